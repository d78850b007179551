import { NotFound } from '../../components/QueryState';

export default function NotFoundRoute() {
  return <NotFound />;
}
