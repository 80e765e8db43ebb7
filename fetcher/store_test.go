package fetcher

import "github.com/tributary-feeds/tributary/store"

// The bbolt store is one backend of what fetcher uses.
var _ Store = (*store.Store)(nil)
