package publisher

import (
	"bytes"
	"compress/gzip"
	"container/list"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/tributary-feeds/tributary/config"
)

// cacheKey names one rendered response: a feed page in one format, the HTML
// page or the OPML. base is part of it because self links follow the host a
// request came to when [server].base_url is not set.
type cacheKey struct {
	kind, name, ext, page, prev, base string
}

// entry is one rendered response, ready to write: the plain and the gzipped
// bytes (these made on first use) (compressing per request costs ~50× writing stored gzip), their
// ETags and the header values, built once.
type entry struct {
	body, gz        []byte // gz: see gzipped
	gzOnce          sync.Once
	etag, etagGz    string
	lastMod         time.Time
	contentType     []string
	etagH, etagGzH  []string
	lastModH        []string
	lenH, gzLenH    []string
	renderedVersion uint64

	// Set by renderCache.put, guarded by its mu.
	cache  *renderCache
	key    cacheKey
	charge int64
}

func newEntry(body []byte, contentType string) *entry {
	sum := sha256.Sum256(body)
	tag := hex.EncodeToString(sum[:12])
	e := &entry{
		body:        body,
		etag:        `"` + tag + `"`,
		etagGz:      `"` + tag + `-gz"`,
		contentType: []string{contentType},
	}
	e.etagH, e.etagGzH = []string{e.etag}, []string{e.etagGz}
	e.lenH = []string{strconv.Itoa(len(e.body))}
	return e
}

// gzipped returns the gzipped body and its Content-Length, compressing on
// the first request that accepts gzip: a render that no such request reads
// (many, while a fetch pass changes the store) never pays for it.
func (e *entry) gzipped() ([]byte, []string) {
	e.gzOnce.Do(func() {
		var gz bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
		zw.Write(e.body)
		zw.Close()
		e.gz = gz.Bytes()
		e.gzLenH = []string{strconv.Itoa(len(e.gz))}
		if e.cache != nil {
			e.cache.grew(e, int64(len(e.gz)))
		}
	})
	return e.gz, e.gzLenH
}

func (e *entry) setLastModified(t time.Time) {
	e.lastMod = t.UTC().Truncate(time.Second)
	e.lastModH = []string{e.lastMod.Format(http.TimeFormat)}
}

// entryOverhead is what an entry costs beside its bytes (its key, header
// values and list element), charged to the cache's bound.
const entryOverhead = 1 << 10

// renderCache holds rendered entries of one config generation, the newest
// of each key whatever its store version, bounded in bytes: the plain and
// gzipped bodies plus entryOverhead each. When a put or a gzip pushes it past
// its bound, the least recently used entries go. An entry of an older store
// version is not served as current (get), but stays to be served while its
// key renders again (newest) and to carry its Last-Modified over when the
// bytes come out the same.
type renderCache struct {
	mu        sync.Mutex
	max       int64 // bytes
	size      int64
	evictions uint64
	gen       uint64
	m         map[cacheKey]*list.Element // of *entry
	lru       list.List                  // most recently used first
}

func (c *renderCache) limit() int64 { return c.max }

func (c *renderCache) get(k cacheKey, version, gen uint64) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	el := c.m[k]
	if el == nil || c.gen != gen {
		return nil
	}
	e := el.Value.(*entry)
	if e.renderedVersion != version {
		return nil
	}
	c.lru.MoveToFront(el)
	return e
}

// put stores e, rendered at store version and config gen, in place of k's
// earlier entry, and sets its Last-Modified: kept from the earlier entry
// when the bytes are the same, else now (and after the earlier one). A
// render of an older generation is not kept; one bigger than the whole
// cache is served but not kept.
func (c *renderCache) put(k cacheKey, version, gen uint64, e *entry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen > c.gen || c.m == nil {
		c.clear(gen)
	}
	var last *entry
	if el := c.m[k]; el != nil {
		last = el.Value.(*entry)
	}
	switch {
	case last != nil && last.etag == e.etag:
		e.setLastModified(last.lastMod)
	case last != nil && !now.After(last.lastMod.Add(time.Second)):
		e.setLastModified(last.lastMod.Add(time.Second))
	default:
		e.setLastModified(now)
	}
	e.renderedVersion = version
	if gen < c.gen {
		return
	}
	if last != nil {
		c.remove(k, c.m[k])
	}
	e.cache, e.key = c, k
	e.charge = int64(len(e.body)) + entryOverhead
	if e.charge > c.limit() {
		return
	}
	c.m[k] = c.lru.PushFront(e)
	c.size += e.charge
	c.evict()
}

// grew charges n more bytes for e (its gzipped body), when e is still held.
func (c *renderCache) grew(e *entry, n int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if el := c.m[e.key]; el == nil || el.Value.(*entry) != e {
		return
	}
	e.charge += n
	c.size += n
	c.evict()
}

// evict drops least recently used entries until the cache is within its
// bound. Callers hold c.mu.
func (c *renderCache) evict() {
	for c.size > c.limit() {
		back := c.lru.Back()
		if back == nil {
			return
		}
		c.remove(back.Value.(*entry).key, back)
		c.evictions++
	}
}

func (c *renderCache) remove(k cacheKey, el *list.Element) {
	c.size -= el.Value.(*entry).charge
	c.lru.Remove(el)
	delete(c.m, k)
}

// newest returns the latest entry rendered for k under config gen, of
// whatever store version; nil when there is none.
func (c *renderCache) newest(k cacheKey, gen uint64) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gen != gen {
		return nil
	}
	if el := c.m[k]; el != nil {
		return el.Value.(*entry)
	}
	return nil
}

// reset drops every entry: the configuration is now generation gen, and
// the cache holds at most max bytes (0: the default size).
func (c *renderCache) reset(gen uint64, max int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if max <= 0 {
		max = int64(config.Defaults().Server.RenderCacheSize)
	}
	c.max = max
	c.clear(gen)
}

func (c *renderCache) clear(gen uint64) {
	c.m = make(map[cacheKey]*list.Element)
	c.lru.Init()
	c.size = 0
	c.gen = gen
}

// usage reports the bytes held and the entries evicted since start.
func (c *renderCache) usage() (bytes int64, evictions uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size, c.evictions
}
