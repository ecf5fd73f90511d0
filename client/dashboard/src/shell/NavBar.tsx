import { Link, useLocation } from 'wouter';

const SECTIONS = [
  { href: '/', label: 'Agents', matches: (path: string) => path === '/' || path.startsWith('/agents') },
  { href: '/tasks', label: 'Tasks', matches: (path: string) => path.startsWith('/tasks') },
  { href: '/workflows', label: 'Workflows', matches: (path: string) => path.startsWith('/workflows') },
  { href: '/communications', label: 'Communications', matches: (path: string) => path.startsWith('/communications') },
  { href: '/system', label: 'System', matches: (path: string) => path.startsWith('/system') },
];

export function NavBar() {
  const [location] = useLocation();
  return (
    <nav className="nav" aria-label="Sections">
      <ul className="nav__list">
        {SECTIONS.map((section) => {
          const current = section.matches(location);
          return (
            <li key={section.href}>
              <Link href={section.href} className={`nav__link${current ? ' nav__link--current' : ''}`} aria-current={current ? 'page' : undefined}>
                {section.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
