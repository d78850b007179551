import { useParams } from 'react-router';
import { DisputeThread } from '../../features/disputes/components/DisputeThread';

export default function DisputeRoute() {
  const { id } = useParams();
  return <DisputeThread id={id!} key={id} />;
}
