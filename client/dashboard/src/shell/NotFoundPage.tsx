import { Link } from 'wouter';
import { EmptyState } from '../ui/EmptyState';
import { usePageTitle } from '../ui/usePageTitle';

export function NotFoundPage() {
  usePageTitle('Not found');
  return (
    <EmptyState title="There is no page here.">
      <Link href="/">Go to the agent list</Link>
    </EmptyState>
  );
}
