import { useEffect } from 'react';

/** Sets the browser tab's title for the page shown. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · Agent control plane`;
  }, [title]);
}
