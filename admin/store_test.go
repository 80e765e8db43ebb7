package admin

import "github.com/tributary-feeds/tributary/store"

// The bbolt store is one backend of what admin uses.
var _ Store = (*store.Store)(nil)
var _ States = (*store.Store)(nil)
