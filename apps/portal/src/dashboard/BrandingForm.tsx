import { useState, type FormEvent } from 'react';
import { PortalBrandingQuery, SetPortalBranding } from '../api-portal';
import { Button, ErrorNotice, Field, Loading, Notice } from '../components/ui';
import type { PortalBrandingQuery as BrandingData } from '../gql/graphql';
import { accentStyle, isHexColour } from '../lib/branding';
import { useMutation, useQuery } from '../lib/hooks';

type Branding = BrandingData['portalBranding'];

export function brandingProblems(v: { displayName: string; logoUrl: string; accentColor: string }) {
  const errors: Record<string, string> = {};
  if (v.displayName.length > 80) errors.displayName = 'At most 80 characters';
  if (v.logoUrl) {
    try {
      const url = new URL(v.logoUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error();
    } catch {
      errors.logoUrl = 'An absolute https URL, e.g. https://example.com/logo.svg';
    }
  }
  if (v.accentColor && !isHexColour(v.accentColor)) errors.accentColor = 'A colour such as #4f46e5';
  return errors;
}

function Form({ initial, canWrite }: { initial: Branding; canWrite: boolean }) {
  const [displayName, setDisplayName] = useState(initial.displayName ?? '');
  const [logoUrl, setLogoUrl] = useState(initial.logoUrl ?? '');
  const [accentColor, setAccentColor] = useState(initial.accentColor ?? '');
  const save = useMutation(SetPortalBranding);
  const errors = brandingProblems({ displayName, logoUrl, accentColor });
  const onSubmit = async (e: FormEvent) => {
    e.preventDefault();
    if (Object.keys(errors).length) return;
    await save.run({
      input: {
        displayName: displayName || null,
        logoUrl: logoUrl || null,
        accentColor: accentColor || null,
      },
    });
  };
  return (
    <form className="form" onSubmit={onSubmit} noValidate aria-label="Portal branding">
      <Field
        label="Display name"
        hint="Shown at the top of the consumer portal."
        error={errors.displayName}
      >
        {(p) => (
          <input
            {...p}
            value={displayName}
            disabled={!canWrite}
            onChange={(e) => setDisplayName(e.target.value)}
          />
        )}
      </Field>
      <Field label="Logo URL" error={errors.logoUrl}>
        {(p) => (
          <input
            {...p}
            type="url"
            value={logoUrl}
            disabled={!canWrite}
            onChange={(e) => setLogoUrl(e.target.value)}
          />
        )}
      </Field>
      <div className="row">
        <Field label="Accent colour" hint="#rrggbb" error={errors.accentColor}>
          {(p) => (
            <input
              {...p}
              value={accentColor}
              placeholder="#4f46e5"
              disabled={!canWrite}
              onChange={(e) => setAccentColor(e.target.value)}
            />
          )}
        </Field>
        <input
          type="color"
          aria-label="Pick the accent colour"
          value={isHexColour(accentColor) ? accentColor : '#4f46e5'}
          disabled={!canWrite}
          onChange={(e) => setAccentColor(e.target.value)}
        />
        <span className="brand-preview" style={accentStyle(accentColor)}>
          <span className="btn btn-primary" aria-hidden="true">
            Preview
          </span>
        </span>
      </div>
      {save.data && !save.fetching && <Notice kind="success">Branding saved.</Notice>}
      <ErrorNotice error={save.error} title="Could not save the branding" />
      {canWrite && (
        <div className="actions">
          <Button type="submit" variant="primary" busy={save.fetching}>
            Save branding
          </Button>
        </div>
      )}
    </form>
  );
}

/** How the consumer portal presents the tenant: name, logo, accent colour. */
export function BrandingForm({ canWrite }: { canWrite: boolean }) {
  const { data, error } = useQuery(PortalBrandingQuery, {});
  return (
    <section className="card" aria-labelledby="branding-heading">
      <h2 id="branding-heading">Consumer portal branding</h2>
      <ErrorNotice error={error} />
      {!data && !error && <Loading what="branding" />}
      {data && <Form initial={data.portalBranding} canWrite={canWrite} />}
    </section>
  );
}
