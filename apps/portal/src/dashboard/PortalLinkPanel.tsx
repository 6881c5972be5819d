export function PortalLinkPanel({ application }: { application: { id: string; name: string } }) {
  return <p>Consumer portal links for {application.name} are coming.</p>;
}
