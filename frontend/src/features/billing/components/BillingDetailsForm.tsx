import { useEffect, useState, type FormEvent } from 'react';
import { ErrorMessage, FormError, Spinner } from '../../../components/QueryState';
import { useToast } from '../../../components/toast/toast-context';
import { errorMessage } from '../../../lib/api-client';
import { useBillingCustomer, useUpdateBillingCustomer } from '../api/billing-customer.api';

const TAX_TYPES = ['eu_vat', 'gb_vat', 'us_ein', 'ca_bn', 'au_abn', 'ch_vat', 'no_vat', 'in_gst', 'jp_cn', 'br_cnpj'];

/** Name, email, address and tax id printed on invoices. */
export function BillingDetailsForm() {
  const customer = useBillingCustomer();
  const update = useUpdateBillingCustomer();
  const toast = useToast();
  const [f, setF] = useState({ name: '', email: '', line1: '', city: '', postalCode: '', country: '', taxType: '', taxValue: '' });
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const c = customer.data;
    if (!c) return;
    setF({
      name: c.name ?? '',
      email: c.email ?? '',
      line1: c.address?.line1 ?? '',
      city: c.address?.city ?? '',
      postalCode: c.address?.postalCode ?? '',
      country: c.address?.country ?? '',
      taxType: c.taxId?.type ?? '',
      taxValue: c.taxId?.value ?? '',
    });
  }, [customer.data]);

  const field = (key: keyof typeof f, label: string, props: Record<string, unknown> = {}) => (
    <div className="field">
      <label htmlFor={`billing-${key}`}>{label}</label>
      <input id={`billing-${key}`} value={f[key]} onChange={(e) => setF({ ...f, [key]: e.target.value })} {...props} />
    </div>
  );

  const submit = (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const hasAddress = f.line1 || f.city || f.postalCode || f.country;
    if (hasAddress && !(f.line1 && f.city && f.postalCode && /^[A-Za-z]{2}$/.test(f.country))) {
      setError('Fill in street, city, postal code and a two-letter country code, or leave the address empty.');
      return;
    }
    update.mutate(
      {
        name: f.name.trim(),
        email: f.email.trim(),
        ...(hasAddress ? { address: { line1: f.line1, city: f.city, postalCode: f.postalCode, country: f.country.toUpperCase() } } : {}),
        ...(f.taxType && f.taxValue ? { taxId: { type: f.taxType, value: f.taxValue } } : {}),
      },
      {
        onSuccess: () => toast.push({ tone: 'info', title: 'Billing details saved', message: 'They appear on your next invoices.' }),
        onError: (err) => setError(errorMessage(err)),
      },
    );
  };

  if (customer.isPending) return <Spinner label="Loading billing details…" />;
  if (customer.isError) return <ErrorMessage error={customer.error} onRetry={() => customer.refetch()} />;
  return (
    <form className="card form" onSubmit={submit} aria-labelledby="billing-details-title" noValidate>
      <h2 id="billing-details-title">Billing details</h2>
      {field('name', 'Company name', { required: true, autoComplete: 'organization' })}
      {field('email', 'Billing email', { type: 'email', required: true, autoComplete: 'email' })}
      {field('line1', 'Street', { autoComplete: 'address-line1' })}
      {field('city', 'City', { autoComplete: 'address-level2' })}
      {field('postalCode', 'Postal code', { autoComplete: 'postal-code' })}
      {field('country', 'Country (2 letters)', { maxLength: 2, autoComplete: 'country' })}
      <div className="field">
        <label htmlFor="billing-taxType">Tax id type</label>
        <select id="billing-taxType" value={f.taxType} onChange={(e) => setF({ ...f, taxType: e.target.value })}>
          <option value="">None</option>
          {TAX_TYPES.map((t) => (
            <option key={t} value={t}>
              {t}
            </option>
          ))}
        </select>
      </div>
      {f.taxType && field('taxValue', 'Tax id')}
      <FormError message={error} />
      <button type="submit" className="btn btn-primary" disabled={update.isPending}>
        {update.isPending ? 'Saving…' : 'Save billing details'}
      </button>
    </form>
  );
}
