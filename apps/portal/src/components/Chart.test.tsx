import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { hourlyBuckets } from '../shared/EndpointDetail';
import { Chart, niceMax } from './Chart';

describe('Chart', () => {
  it('picks readable axis maxima', () => {
    expect([0, 1, 3, 7, 10, 11, 180, 4200].map(niceMax)).toEqual([1, 1, 5, 10, 10, 20, 200, 5000]);
  });

  it('stacks bars per label and gives screen readers the numbers as a table', () => {
    const { container } = render(
      <Chart
        title="Attempts"
        labels={['mon', 'tue', 'wed']}
        series={[
          { name: 'Succeeded', color: 'green', values: [3, 5, 0] },
          { name: 'Failed', color: 'red', values: [1, 0, 0] },
        ]}
      />,
    );
    const rects = container.querySelectorAll('rect');
    expect(rects).toHaveLength(6);
    // 4 on a 5 axis: the Monday stack reaches 80 % of the plot height.
    const heights = [...rects].map((r) => Number(r.getAttribute('height')));
    expect(heights[0]! + heights[1]!).toBeCloseTo(0.8 * (180 - 34), 5);
    expect(heights[4]).toBe(0);
    const table = screen.getByRole('table', { name: 'Attempts' });
    expect(within(table).getByRole('row', { name: 'tue 5 0' })).toBeTruthy();
    expect(screen.getByText('Succeeded: 8')).toBeTruthy();
    expect(screen.queryByText('No data in this period yet.')).toBeNull();
  });

  it('says so when there is nothing to draw', () => {
    render(
      <Chart title="Empty" labels={['a']} series={[{ name: 'x', color: 'red', values: [0] }]} />,
    );
    expect(screen.getByText('No data in this period yet.')).toBeTruthy();
  });

  it('buckets attempts per hour with mean latency', () => {
    const now = Date.parse('2026-03-01T12:30:00Z');
    const b = hourlyBuckets(
      [
        { attemptedAt: '2026-03-01T12:10:00Z', status: 'SUCCEEDED', durationMs: 100 },
        { attemptedAt: '2026-03-01T12:20:00Z', status: 'FAILED', durationMs: 300 },
        { attemptedAt: '2026-03-01T10:05:00Z', status: 'SUCCEEDED', durationMs: 50 },
        { attemptedAt: '2026-02-27T10:05:00Z', status: 'SUCCEEDED', durationMs: 50 },
      ],
      24,
      now,
    );
    expect(b.labels).toHaveLength(24);
    expect([b.ok[23], b.failed[23], b.latency[23]]).toEqual([1, 1, 200]);
    expect([b.ok[21], b.latency[21]]).toEqual([1, 50]);
    expect(b.ok.reduce((a, c) => a + c, 0)).toBe(2);
  });
});
