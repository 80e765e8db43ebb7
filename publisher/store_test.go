package publisher

import "github.com/tributary-feeds/tributary/store"

// The bbolt store is one backend of what publisher uses.
var _ Store = (*store.Store)(nil)
