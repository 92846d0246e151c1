// How many of the newest matches a search ranks unless the config says
// otherwise (publish.search_window): the store's default and the config
// schema's, in one small module both import, so neither imports the other.
export const DEFAULT_SEARCH_WINDOW = 10_000;
