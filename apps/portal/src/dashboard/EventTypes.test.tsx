import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { describe, expect, it } from 'vitest';
import { fakeClient, renderWith } from '../test/render';
import { EventTypeNew, eventTypeProblems } from './EventTypes';

describe('event type editor', () => {
  it('checks the schema and the example against it as you type', async () => {
    const user = userEvent.setup();
    const client = fakeClient({});
    renderWith(<EventTypeNew />, { client, path: '/event-types/new' });
    await user.click(screen.getByRole('button', { name: 'Start from a template' }));
    const example = screen.getByLabelText('Example payload');
    await user.click(example);
    await user.paste('{"amount": -5}');
    expect(screen.getByText('$.id: is required')).toBeTruthy();
    expect(screen.getByText('$.amount: must be ≥ 0')).toBeTruthy();
    expect(example.getAttribute('aria-invalid')).toBe('true');

    const schema = screen.getByLabelText('JSON Schema');
    await user.clear(schema);
    await user.click(schema);
    await user.paste('{"type": "objekt"}');
    expect(screen.getByText('#/type: unknown type "objekt"')).toBeTruthy();
    // With no usable schema the example is not checked against it.
    expect(screen.queryByText('$.id: is required')).toBeNull();
  });

  it('refuses to save a bad name or a mismatching example, then saves a good one', async () => {
    const user = userEvent.setup();
    const client = fakeClient({
      CreateEventType: ({ input }: { input: { name: string } }) => ({
        createEventType: { id: 'et_1', name: input.name, description: '', archived: false },
      }),
    });
    renderWith(<EventTypeNew />, { client, path: '/event-types/new' });
    await user.type(screen.getByLabelText('Name'), 'invoice paid');
    await user.click(screen.getByRole('button', { name: 'Create event type' }));
    expect(screen.getByRole('alert').textContent).toMatch(/A dotted name/);
    expect(client.calls).toHaveLength(0);

    await user.clear(screen.getByLabelText('Name'));
    await user.type(screen.getByLabelText('Name'), 'invoice.paid');
    await user.click(screen.getByLabelText('JSON Schema'));
    await user.paste('{"type": "object", "required": ["id"]}');
    await user.click(screen.getByLabelText('Example payload'));
    await user.paste('{"id": "inv_1"}');
    await user.click(screen.getByRole('button', { name: 'Create event type' }));
    await waitFor(() => expect(window.location.pathname).toBe('/event-types'));
    expect(client.calls[0]!.variables.input).toEqual({
      name: 'invoice.paid',
      description: '',
      schema: { type: 'object', required: ['id'] },
      example: { id: 'inv_1' },
    });
  });

  it('accepts an empty schema and example', () => {
    expect(eventTypeProblems({ name: 'user.created', schema: '', example: '' })).toEqual({});
  });
});
