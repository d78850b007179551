import { useAuth } from '../../features/auth/hooks/use-auth';
import { BillingDetailsForm } from '../../features/billing/components/BillingDetailsForm';
import { InvoiceList } from '../../features/billing/components/InvoiceList';
import { RetainerList } from '../../features/billing/components/RetainerList';
import { SavedCards } from '../../features/billing/components/SavedCards';

export default function BillingRoute() {
  const { user } = useAuth();
  const company = user?.role === 'company';
  return (
    <div className="stack">
      <header className="page-header">
        <h1>Billing</h1>
      </header>
      <InvoiceList canManage={company} />
      <RetainerList canManage={company} />
      {company && <SavedCards />}
      {company && <BillingDetailsForm />}
    </div>
  );
}
