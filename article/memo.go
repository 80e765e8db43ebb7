package article

import "sync"

// memo remembers a pure function's results for recent inputs. Feeds repeat
// their bylines on every item and every fetch; cleaning one takes a dozen
// regular expressions. It forgets everything when full, which bounds it
// without bookkeeping.
type memo[T any] struct {
	mu  sync.Mutex
	max int
	m   map[string]T
}

// bylines memoises cleanByline.
var bylines = &memo[[]string]{max: 4096}

// get returns fn(key), from memory when it was asked lately. Keys longer
// than a byline can be are not kept.
func (c *memo[T]) get(key string, fn func(string) T) T {
	if len(key) > 256 {
		return fn(key)
	}
	c.mu.Lock()
	v, ok := c.m[key]
	c.mu.Unlock()
	if ok {
		return v
	}
	v = fn(key)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= c.max {
		c.m = make(map[string]T, c.max)
	}
	c.m[key] = v
	c.mu.Unlock()
	return v
}
