import type { ReactNode } from 'react';
import { useSignInReason } from '../api/AuthContext';
import { SignInPage } from './SignInPage';

/**
 * The pages, or the sign-in screen once the server refused the token: the pages (and their
 * subscriptions) unmount, so nothing keeps asking with a token that will not do.
 */
export function SignInGate({ children }: { children: ReactNode }) {
  const reason = useSignInReason();
  return reason ? <SignInPage reason={reason} /> : children;
}
