package publisher

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"sync"
	"time"
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
	})
	return e.gz, e.gzLenH
}

func (e *entry) setLastModified(t time.Time) {
	e.lastMod = t.UTC().Truncate(time.Second)
	e.lastModH = []string{e.lastMod.Format(http.TimeFormat)}
}

// maxCached bounds the entries of one store version, so that requests for
// many pages cannot grow memory without end.
const maxCached = 1024

// renderCache holds rendered entries of one store version and one config
// generation; a change of either empties it. The entries of the generation
// before are kept to carry Last-Modified over when a render comes out the
// same.
type renderCache struct {
	mu      sync.RWMutex
	version uint64
	gen     uint64
	m       map[cacheKey]*entry
	prev    map[cacheKey]*entry
	prevGen uint64
}

func (c *renderCache) get(k cacheKey, version, gen uint64) *entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.version != version || c.gen != gen {
		return nil
	}
	return c.m[k]
}

// put stores e, rendered at store version and config gen, and sets its
// Last-Modified: kept from the previous render when the bytes are the same,
// else now (and after the previous one).
func (c *renderCache) put(k cacheKey, version, gen uint64, e *entry, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || c.version != version || c.gen != gen || len(c.m) >= maxCached {
		if len(c.m) > 0 {
			c.prev, c.prevGen = c.m, c.gen
		}
		c.m = make(map[cacheKey]*entry)
		c.version, c.gen = version, gen
	}
	last := c.m[k]
	if last == nil {
		last = c.prev[k]
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
	c.m[k] = e
}

// newest returns the latest entry rendered for k under config gen, of
// whatever store version; nil when there is none.
func (c *renderCache) newest(k cacheKey, gen uint64) *entry {
	c.mu.RLock()
	defer c.mu.RUnlock()
	if c.gen != gen {
		return nil
	}
	if e := c.m[k]; e != nil {
		return e
	}
	if c.prevGen == gen {
		return c.prev[k]
	}
	return nil
}

func (c *renderCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m, c.prev = nil, nil
}
