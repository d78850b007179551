import { useParams } from 'react-router';
import { useAuth } from '../../features/auth/hooks/use-auth';
import { PayOptions } from '../../features/billing/components/PayOptions';
import { useCollaboration } from '../../features/collaborations/api/get-collaboration.api';
import { CollaborationDetail } from '../../features/collaborations/components/CollaborationDetail';

export default function CollaborationRoute() {
  const { id } = useParams();
  const { user } = useAuth();
  const c = useCollaboration(id).data as (ReturnType<typeof useCollaboration>['data'] & { billing?: string; payment?: { method?: string } | null }) | undefined;
  const payable =
    user?.role === 'company' &&
    c?.status === 'ACCEPTED' &&
    (!c.payment || (['PENDING', 'FAILED'].includes(c.payment.status) && c.payment.method !== 'invoice'));
  return (
    <>
      <CollaborationDetail id={id!} key={id} />
      {payable && c && <PayOptions collaborationId={c.id} paymentId={c.payment?.id ?? null} billing={c.billing ?? 'one_time'} />}
    </>
  );
}
