// Every GraphQL document the frontend sends (see cms/api/schema.graphql).
// Each is sent by its SHA-256 hash; changing the text here changes the hash.

const PUBLICATION_FIELDS = `
  fragment PublicationItem on Publication {
    slug title venue year url pdfUrl
    authors { name }
    domain { slug name }
  }
`;

const STORY_CARD_FIELDS = `
  fragment StoryCard on StoryPage {
    title slug url personName role summary date
    team { name organization { name } }
    portrait { url width height alt srcset }
  }
`;

const STORY_FIELDS = `
  fragment StoryFull on StoryPage {
    title slug url personName role summary date seoTitle searchDescription
    team { name organization { name } }
    portrait { url width height alt srcset }
    body {
      blockType field
      ... on RichTextBlock { value }
      ... on CharBlock { value }
      ... on ImageWithCaptionBlock { caption altText image { url width height title } }
      ... on QuoteBlock { quote attribution }
      ... on EmbedBlock { url }
    }
    relatedPublications { ...PublicationItem }
  }
`;

export const HOME = `
  query HomePage {
    page(urlPath: "/") {
      ... on HomePage {
        title tagline introHeading intro ctaLabel seoTitle searchDescription
        ctaPage { url }
      }
    }
  }
`;

export const RESEARCH_PAGE = `
  query ResearchPageCopy {
    page(urlPath: "/publications/") {
      ... on ResearchPage { title intro pageSize defaultSort seoTitle searchDescription }
    }
  }
`;

export const PUBLICATIONS = `
  query Publications(
    $search: String, $domains: [String!], $sort: PublicationSort,
    $first: Int, $after: String, $last: Int, $before: String
  ) {
    publications(
      search: $search, domains: $domains, sort: $sort,
      first: $first, after: $after, last: $last, before: $before
    ) {
      totalCount startPosition endPosition
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
      domainFacets { slug name count selected }
      edges { node { ...PublicationItem } }
    }
  }
  ${PUBLICATION_FIELDS}
`;

export const CAREERS = `
  query CareersPage {
    page(urlPath: "/careers/") {
      ... on CareersPage { title heading intro ctaLabel ctaUrl seoTitle searchDescription }
    }
    storyIndex: page(urlPath: "/careers/stories/") {
      ... on StoryIndexPage { title intro url }
    }
    organizations(first: 100) {
      edges { node { slug name heading teams { slug name description } } }
    }
    stories(first: 6) { totalCount edges { node { ...StoryCard } } }
  }
  ${STORY_CARD_FIELDS}
`;

export const STORIES = `
  query Stories($after: String) {
    storyIndex: page(urlPath: "/careers/stories/") {
      ... on StoryIndexPage { title intro seoTitle searchDescription }
    }
    stories(first: 12, after: $after) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { ...StoryCard } }
    }
  }
  ${STORY_CARD_FIELDS}
`;

export const STORY = `
  query Story($slug: String!) {
    story(slug: $slug) { ...StoryFull }
  }
  ${STORY_FIELDS}
  ${PUBLICATION_FIELDS}
`;

// PREVIEW HOOK: `preview(token:)` is being added to the API (a union of every
// previewable type). Until the schema has it, the API answers
// GRAPHQL_VALIDATION_FAILED and the /preview route says so (views/preview.js).
export const PREVIEW = `
  query Preview($token: String!) {
    previewStatus(token: $token)
    preview(token: $token) {
      __typename
      ... on HomePage { title tagline introHeading intro ctaLabel ctaPage { url } }
      ... on ResearchPage { title intro }
      ... on CareersPage { title heading intro ctaLabel ctaUrl }
      ... on StoryIndexPage { title intro }
      ... on StoryPage { ...StoryFull }
      ... on Publication { ...PublicationItem }
    }
  }
  ${STORY_FIELDS}
  ${PUBLICATION_FIELDS}
`;
