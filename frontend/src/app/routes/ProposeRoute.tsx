import { useNavigate } from 'react-router';
import { useToast } from '../../components/toast/toast-context';
import { ProposeCollaborationForm } from '../../features/collaborations/components/ProposeCollaborationForm';

export default function ProposeRoute() {
  const navigate = useNavigate();
  const toast = useToast();
  return (
    <div className="narrow">
      <ProposeCollaborationForm
        onCreated={(c) => {
          toast.push({ tone: 'success', title: 'Proposal sent', message: c.title });
          navigate(`/collaborations/${c.id}`);
        }}
      />
    </div>
  );
}
