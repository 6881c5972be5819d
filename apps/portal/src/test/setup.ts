import { cleanup } from '@testing-library/react';
import { afterEach } from 'vitest';

afterEach(() => cleanup());

// jsdom does not lay pages out, so it has no scrolling; the app scrolls to the top on navigation.
if (typeof window !== 'undefined') window.scrollTo = () => undefined;
