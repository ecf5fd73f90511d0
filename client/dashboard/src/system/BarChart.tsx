import { formatTime } from '../ui/format';
import { niceMax, type Bucket } from './metric-buckets';

interface BarChartProps {
  title: string;
  buckets: readonly Bucket[];
  value: (bucket: Bucket) => number;
  format: (value: number) => string;
  /** A figure for the whole window, shown beside the title. */
  total?: string;
}

const WIDTH = 300;
const HEIGHT = 100;

/**
 * Bars over time in plain SVG (stretched to the width, so it needs no layout code); axis labels
 * are HTML so text never stretches, and a hidden table gives screen readers the same figures.
 */
export function BarChart({ title, buckets, value, format, total }: BarChartProps) {
  const values = buckets.map(value);
  const max = niceMax(Math.max(0, ...values));
  const slot = WIDTH / Math.max(1, buckets.length);
  const first = buckets[0];
  const last = buckets.at(-1);
  return (
    <figure className="chart">
      <figcaption className="chart__caption">
        <span className="chart__title">{title}</span>
        {total && <span className="chart__total">{total}</span>}
      </figcaption>
      <div className="chart__plot">
        <span className="chart__axis chart__axis--max" aria-hidden="true">
          {format(max)}
        </span>
        <svg className="chart__svg" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" aria-hidden="true" focusable="false">
          <line x1={0} y1={HEIGHT - 0.5} x2={WIDTH} y2={HEIGHT - 0.5} className="chart__baseline" />
          {buckets.map((bucket, index) => {
            const height = (values[index]! / max) * (HEIGHT - 2);
            return (
              <rect key={bucket.start} className="chart__bar" x={index * slot + slot * 0.15} width={slot * 0.7} y={HEIGHT - height - 1} height={height}>
                <title>{`${formatTime(new Date(bucket.start).toISOString())}: ${format(values[index]!)}`}</title>
              </rect>
            );
          })}
        </svg>
      </div>
      {first && last && (
        <div className="chart__range" aria-hidden="true">
          <span>{formatTime(new Date(first.start).toISOString())}</span>
          <span>{formatTime(new Date(last.end).toISOString())}</span>
        </div>
      )}
      <table className="visually-hidden">
        <caption>{title}</caption>
        <thead>
          <tr>
            <th scope="col">From</th>
            <th scope="col">Value</th>
          </tr>
        </thead>
        <tbody>
          {buckets.map((bucket, index) => (
            <tr key={bucket.start}>
              <td>{formatTime(new Date(bucket.start).toISOString())}</td>
              <td>{format(values[index]!)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
