/**
 * The role every tenant-scoped transaction switches to. It is not a superuser and does not own
 * the tables, so PostgreSQL's row-level security policies apply to it.
 */
export const APP_ROLE = 'herald_app';
