import { Link } from 'react-router';

export default function NotFoundRoute() {
  return (
    <div className="card narrow">
      <h1>Page not found</h1>
      <p>There is nothing at this address.</p>
      <Link to="/">Go home</Link>
    </div>
  );
}
