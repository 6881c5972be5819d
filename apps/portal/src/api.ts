import { graphql } from './gql';

/*
 * Every operation of the web app. `npm run codegen` types them from apps/api/schema.graphql;
 * src/gql.test.ts fails when the committed output is stale.
 */

// ── session ────────────────────────────────────────────────────────────────────────────────
export const SignUp = graphql(`
  mutation SignUp($email: String!, $password: String!, $tenantName: String!) {
    signUp(email: $email, password: $password, tenantName: $tenantName) {
      token
      expiresAt
    }
  }
`);

export const LogIn = graphql(`
  mutation LogIn($email: String!, $password: String!) {
    logIn(email: $email, password: $password) {
      token
      expiresAt
    }
  }
`);

export const VerifyEmail = graphql(`
  mutation VerifyEmail($token: String!) {
    verifyEmail(token: $token) {
      email
      emailVerified
    }
  }
`);

export const RequestEmailVerification = graphql(`
  mutation RequestEmailVerification {
    requestEmailVerification
  }
`);

export const AcceptInvitation = graphql(`
  mutation AcceptInvitation($token: String!, $password: String) {
    acceptInvitation(token: $token, password: $password) {
      token
      expiresAt
      role
      tenant {
        id
        name
      }
    }
  }
`);

export const LogOut = graphql(`
  mutation LogOut {
    logOut
  }
`);

export const ViewerQuery = graphql(`
  query Viewer {
    viewer {
      kind
      role
      tenant {
        id
        name
      }
      user {
        id
        email
        emailVerified
      }
    }
  }
`);

// ── fragments ──────────────────────────────────────────────────────────────────────────────
export const EndpointFields = graphql(`
  fragment EndpointFields on Endpoint {
    id
    applicationId
    url
    description
    eventTypes
    channels
    payloadFilter
    headers
    rateLimitPerSecond
    fifo
    disabled
    disabledAt
    disabledReason
    createdAt
    updatedAt
  }
`);

export const AttemptFields = graphql(`
  fragment AttemptFields on Attempt {
    id
    deliveryId
    messageId
    endpointId
    status
    trigger
    httpStatus
    errorKind
    durationMs
    responseExcerpt
    requestHeaders
    attemptedAt
  }
`);

export const DeliveryFields = graphql(`
  fragment DeliveryFields on Delivery {
    id
    messageId
    endpointId
    status
    attemptCount
    nextAttemptAt
    lastAttemptAt
    createdAt
  }
`);

export const EventTypeFields = graphql(`
  fragment EventTypeFields on EventType {
    id
    name
    description
    schema
    example
    archived
    createdAt
    updatedAt
  }
`);

// ── overview & billing ─────────────────────────────────────────────────────────────────────
export const BillingQuery = graphql(`
  query Billing {
    billing {
      plan
      subscribedPlan
      configured
      subscriptionStatus
      cancelAtPeriodEnd
      graceUntil
      periodStart
      periodEnd
      messages
      attempts
      quota
      quotaResetsAt
      daily {
        day
        messages
        attempts
      }
      projectedCost {
        currency
        baseCents
        usageCents
        totalCents
        projectedMessages
        projectedTotalCents
      }
      invoices {
        id
        status
        amountCents
        currency
        periodStart
        periodEnd
        createdAt
      }
    }
  }
`);

export const CreateCheckoutSession = graphql(`
  mutation CreateCheckoutSession($plan: Plan!, $successUrl: String, $cancelUrl: String) {
    createCheckoutSession(plan: $plan, successUrl: $successUrl, cancelUrl: $cancelUrl) {
      id
      url
    }
  }
`);

export const CreateBillingPortalSession = graphql(`
  mutation CreateBillingPortalSession($returnUrl: String) {
    createBillingPortalSession(returnUrl: $returnUrl) {
      id
      url
    }
  }
`);

export const EndpointHealth = graphql(`
  query EndpointHealth($application: String!, $since: DateTimeISO) {
    endpoints(application: $application, first: 50) {
      nodes {
        id
        url
        disabled
        disabledReason
        stats(since: $since) {
          succeeded
          failed
          pending
          exhausted
        }
      }
    }
  }
`);

// ── applications ───────────────────────────────────────────────────────────────────────────
export const ApplicationsQuery = graphql(`
  query Applications($first: Int, $after: String, $name: String) {
    applications(first: $first, after: $after, name: $name) {
      nodes {
        id
        uid
        name
        operational
        rateLimitPerSecond
        createdAt
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const ApplicationQuery = graphql(`
  query Application($id: ID!) {
    application(id: $id) {
      id
      uid
      name
      operational
      rateLimitPerSecond
      metadata
      createdAt
    }
  }
`);

export const CreateApplication = graphql(`
  mutation CreateApplication($input: CreateApplicationInput!) {
    createApplication(input: $input) {
      id
      name
    }
  }
`);

export const UpdateApplication = graphql(`
  mutation UpdateApplication($id: ID!, $input: UpdateApplicationInput!) {
    updateApplication(id: $id, input: $input) {
      id
      uid
      name
      rateLimitPerSecond
      metadata
    }
  }
`);

export const DeleteApplication = graphql(`
  mutation DeleteApplication($id: ID!) {
    deleteApplication(id: $id)
  }
`);

export const EnableOperationalWebhooks = graphql(`
  mutation EnableOperationalWebhooks {
    enableOperationalWebhooks {
      id
    }
  }
`);

export const OperationalApplication = graphql(`
  query OperationalApplication {
    operationalApplication {
      id
      name
    }
  }
`);

// ── event types ────────────────────────────────────────────────────────────────────────────
export const EventTypesQuery = graphql(`
  query EventTypes($first: Int, $after: String, $includeArchived: Boolean, $namePrefix: String) {
    eventTypes(
      first: $first
      after: $after
      includeArchived: $includeArchived
      namePrefix: $namePrefix
    ) {
      nodes {
        ...EventTypeFields
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const EventTypeQuery = graphql(`
  query EventType($name: String!) {
    eventType(name: $name) {
      ...EventTypeFields
    }
  }
`);

export const CreateEventType = graphql(`
  mutation CreateEventType($input: CreateEventTypeInput!) {
    createEventType(input: $input) {
      ...EventTypeFields
    }
  }
`);

export const UpdateEventType = graphql(`
  mutation UpdateEventType($name: String!, $input: UpdateEventTypeInput!) {
    updateEventType(name: $name, input: $input) {
      ...EventTypeFields
    }
  }
`);

export const ArchiveEventType = graphql(`
  mutation ArchiveEventType($name: String!, $archived: Boolean!) {
    archiveEventType(name: $name, archived: $archived) {
      ...EventTypeFields
    }
  }
`);

// ── endpoints ──────────────────────────────────────────────────────────────────────────────
export const EndpointsQuery = graphql(`
  query Endpoints($application: String!, $first: Int, $after: String, $disabled: Boolean) {
    endpoints(application: $application, first: $first, after: $after, disabled: $disabled) {
      nodes {
        ...EndpointFields
        stats {
          succeeded
          failed
          pending
          exhausted
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const EndpointQuery = graphql(`
  query Endpoint($id: ID!, $since: DateTimeISO) {
    endpoint(id: $id) {
      ...EndpointFields
      stats(since: $since) {
        since
        succeeded
        failed
        pending
        exhausted
      }
    }
  }
`);

export const CreateEndpoint = graphql(`
  mutation CreateEndpoint($input: CreateEndpointInput!) {
    createEndpoint(input: $input) {
      ...EndpointFields
    }
  }
`);

export const UpdateEndpoint = graphql(`
  mutation UpdateEndpoint($id: ID!, $input: UpdateEndpointInput!) {
    updateEndpoint(id: $id, input: $input) {
      ...EndpointFields
    }
  }
`);

export const DeleteEndpoint = graphql(`
  mutation DeleteEndpoint($id: ID!) {
    deleteEndpoint(id: $id)
  }
`);

export const EnableEndpoint = graphql(`
  mutation EnableEndpoint($id: ID!) {
    enableEndpoint(id: $id) {
      ...EndpointFields
    }
  }
`);

export const DisableEndpoint = graphql(`
  mutation DisableEndpoint($id: ID!, $reason: String) {
    disableEndpoint(id: $id, reason: $reason) {
      ...EndpointFields
    }
  }
`);

export const EndpointSecretQuery = graphql(`
  query EndpointSecret($id: ID!) {
    endpointSecret(id: $id) {
      key
      createdAt
      expiresAt
    }
  }
`);

export const RotateEndpointSecret = graphql(`
  mutation RotateEndpointSecret($id: ID!, $gracePeriodSeconds: Int) {
    rotateEndpointSecret(id: $id, gracePeriodSeconds: $gracePeriodSeconds) {
      key
      createdAt
      expiresAt
    }
  }
`);

export const RecoverEndpoint = graphql(`
  mutation RecoverEndpoint($id: ID!, $since: DateTimeISO!) {
    recoverEndpoint(id: $id, since: $since)
  }
`);

// ── messages, deliveries, attempts ─────────────────────────────────────────────────────────
export const MessagesQuery = graphql(`
  query Messages(
    $application: String!
    $first: Int
    $after: String
    $eventTypes: [String!]
    $channel: String
    $since: DateTimeISO
    $until: DateTimeISO
  ) {
    messages(
      application: $application
      first: $first
      after: $after
      eventTypes: $eventTypes
      channel: $channel
      since: $since
      until: $until
    ) {
      nodes {
        id
        eventType
        eventId
        channels
        createdAt
        deliveries {
          id
          status
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const MessageQuery = graphql(`
  query Message($id: ID!) {
    message(id: $id) {
      id
      applicationId
      eventType
      eventId
      payload
      payloadExpungedAt
      channels
      createdAt
      deliveries {
        ...DeliveryFields
      }
    }
  }
`);

export const AttemptsQuery = graphql(`
  query Attempts($messageId: ID, $endpointId: ID, $first: Int, $after: String) {
    attempts(messageId: $messageId, endpointId: $endpointId, first: $first, after: $after) {
      nodes {
        ...AttemptFields
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const SendMessage = graphql(`
  mutation SendMessage($input: SendMessageInput!) {
    sendMessage(input: $input) {
      duplicate
      message {
        id
        deliveries {
          id
          endpointId
          status
        }
      }
    }
  }
`);

export const ResendMessage = graphql(`
  mutation ResendMessage($messageId: ID!, $endpointId: ID!) {
    resendMessage(messageId: $messageId, endpointId: $endpointId) {
      ...DeliveryFields
    }
  }
`);

export const RetryDelivery = graphql(`
  mutation RetryDelivery($id: ID!) {
    retryDelivery(id: $id) {
      ...DeliveryFields
    }
  }
`);

export const DeliveryEvents = graphql(`
  subscription DeliveryEvents($application: String!) {
    deliveryEvents(application: $application) {
      deliveryId
      messageId
      applicationId
      endpointId
      status
      attemptId
      httpStatus
    }
  }
`);

// ── members & API keys ─────────────────────────────────────────────────────────────────────
export const MembersQuery = graphql(`
  query Members($first: Int, $after: String) {
    members(first: $first, after: $after) {
      nodes {
        id
        role
        pending
        createdAt
        user {
          id
          email
        }
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const InviteMember = graphql(`
  mutation InviteMember($email: String!, $role: Role!) {
    inviteMember(email: $email, role: $role) {
      invitationSentTo
      member {
        id
      }
    }
  }
`);

export const UpdateMemberRole = graphql(`
  mutation UpdateMemberRole($id: ID!, $role: Role!) {
    updateMemberRole(id: $id, role: $role) {
      id
      role
    }
  }
`);

export const RemoveMember = graphql(`
  mutation RemoveMember($id: ID!) {
    removeMember(id: $id)
  }
`);

export const ApiKeysQuery = graphql(`
  query ApiKeys($first: Int, $after: String, $includeRevoked: Boolean) {
    apiKeys(first: $first, after: $after, includeRevoked: $includeRevoked) {
      nodes {
        id
        name
        role
        prefix
        createdBy {
          email
        }
        createdAt
        expiresAt
        revokedAt
        lastUsedAt
      }
      pageInfo {
        endCursor
        hasNextPage
      }
    }
  }
`);

export const CreateApiKey = graphql(`
  mutation CreateApiKey($input: CreateApiKeyInput!) {
    createApiKey(input: $input) {
      key
      apiKey {
        id
        name
      }
    }
  }
`);

export const RevokeApiKey = graphql(`
  mutation RevokeApiKey($id: ID!) {
    revokeApiKey(id: $id) {
      id
      revokedAt
    }
  }
`);
