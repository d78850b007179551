import { useParams } from 'react-router';
import { CollaborationDetail } from '../../features/collaborations/components/CollaborationDetail';

export default function CollaborationRoute() {
  const { id } = useParams();
  return <CollaborationDetail id={id!} key={id} />;
}
