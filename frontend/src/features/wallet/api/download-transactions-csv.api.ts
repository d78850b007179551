import { useMutation } from '@tanstack/react-query';
import { apiClient } from '../../../lib/api-client';

/** Fetches the CSV with the auth header (a plain link could not send it) and saves it via a blob URL. */
export async function downloadTransactionsCsv(params: { currency?: string; type?: string } = {}): Promise<void> {
  const blob = await apiClient.blob('/wallet/transactions.csv', { params });
  const url = URL.createObjectURL(blob);
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = `collabpay-transactions-${new Date().toISOString().slice(0, 10)}.csv`;
    document.body.appendChild(a);
    a.click();
    a.remove();
  } finally {
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }
}

export function useDownloadTransactionsCsv() {
  return useMutation({ mutationFn: downloadTransactionsCsv });
}
