export function ConsumerApp() {
  return <p>Consumer portal</p>;
}
