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
// bytes (compressing per request costs ~50× writing stored gzip), their
// ETags and the header values, built once.
type entry struct {
	body, gz        []byte
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
	var gz bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&gz, gzip.BestCompression)
	zw.Write(body)
	zw.Close()
	e := &entry{
		body:        body,
		gz:          gz.Bytes(),
		etag:        `"` + tag + `"`,
		etagGz:      `"` + tag + `-gz"`,
		contentType: []string{contentType},
	}
	e.etagH, e.etagGzH = []string{e.etag}, []string{e.etagGz}
	e.lenH = []string{strconv.Itoa(len(e.body))}
	e.gzLenH = []string{strconv.Itoa(len(e.gz))}
	return e
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
			c.prev = c.m
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

func (c *renderCache) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.m, c.prev = nil, nil
}
