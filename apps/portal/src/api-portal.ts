import { graphql } from './gql';

/* Consumer portal operations: magic links, the session exchange, branding. */

export const CreatePortalSession = graphql(`
  mutation CreatePortalSession(
    $applicationId: ID!
    $expiresInSeconds: Int!
    $capabilities: [PortalCapability!]!
  ) {
    createPortalSession(
      applicationId: $applicationId
      expiresInSeconds: $expiresInSeconds
      capabilities: $capabilities
    ) {
      url
      token
      expiresAt
      capabilities
    }
  }
`);

export const RevokePortalSessions = graphql(`
  mutation RevokePortalSessions($applicationId: ID!) {
    revokePortalSessions(applicationId: $applicationId)
  }
`);

export const ExchangePortalToken = graphql(`
  mutation ExchangePortalToken($token: String!) {
    exchangePortalToken(token: $token) {
      sessionToken
      expiresAt
      capabilities
      application {
        id
        name
        uid
      }
      branding {
        displayName
        logoUrl
        accentColor
      }
    }
  }
`);

export const PortalSessionQuery = graphql(`
  query PortalSession {
    portalSession {
      expiresAt
      capabilities
      application {
        id
        name
        uid
      }
      branding {
        displayName
        logoUrl
        accentColor
      }
    }
  }
`);

export const PortalBrandingQuery = graphql(`
  query PortalBranding {
    portalBranding {
      displayName
      logoUrl
      accentColor
    }
  }
`);

export const SetPortalBranding = graphql(`
  mutation SetPortalBranding($input: PortalBrandingInput!) {
    setPortalBranding(input: $input) {
      displayName
      logoUrl
      accentColor
    }
  }
`);
