package fetcher

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mmcdole/gofeed"

	"github.com/tributary-feeds/tributary/article"
)

// maxDepth is the deepest element nesting a feed may have. Real feeds stay
// under 30 even with XHTML content; gofeed recurses on nested extension
// elements and can exhaust the stack (a fatal error, not a panic) on deep
// input, so deeper documents are refused before gofeed sees them.
const maxDepth = 256

// parsed is a fetched document understood as a feed.
type parsed struct {
	Feed     *gofeed.Feed        // its Items cut to the newest maxItems
	Extras   []article.RawExtras // what gofeed drops, per item of Feed.Items
	Hints    hints               // the feed's own words on how often to poll it
	Encoding string
	Total    int // items the document listed, before the cut
}

// errNotFeed marks documents that are not feeds at all.
var errNotFeed = errors.New("not a feed")

// parseDocument turns a fetched body into a feed: sniff, charset, depth and
// size checks, gofeed (in chunks of items for a big document), the raw pass,
// and the cut to the newest maxItems items. t is the fetch's turn at the
// background CPU work (see readers.go); the caller bounds concurrency.
func (f *Fetcher) parseDocument(t *turn, body []byte, contentType, docURL string, maxItems int) (*parsed, error) {
	trim := bytes.TrimLeft(bytes.TrimPrefix(body, []byte{0xEF, 0xBB, 0xBF}), " \t\r\n")
	if len(trim) == 0 {
		return nil, errors.New("empty document")
	}
	if looksHTML(trim) {
		return nil, notFeedHTML(body, docURL)
	}
	p := &parsed{}
	var doc []byte
	var sh shape
	listed := 0 // items a JSON Feed listed, before cutJSON
	json := trim[0] == '{' || trim[0] == '['
	if json {
		if trim[0] == '[' {
			return nil, fmt.Errorf("%w: a JSON array, not a JSON Feed", errNotFeed)
		}
		p.Encoding = "utf-8"
		doc, listed = cutJSON(trim, maxItems)
	} else {
		var err error
		doc, p.Encoding, err = toUTF8(body, contentType)
		if err != nil {
			return nil, err
		}
		sh = scanShape(doc)
		if err := checkDepth(doc, sh); err != nil {
			return nil, err
		}
		if err := checkSize(sh); err != nil {
			return nil, err
		}
	}
	if t := gofeed.DetectFeedType(bytes.NewReader(doc)); t == gofeed.FeedTypeUnknown {
		if strings.Contains(strings.ToLower(contentType), "html") {
			return nil, notFeedHTML(body, docURL)
		}
		return nil, fmt.Errorf("%w: neither RSS, Atom nor JSON Feed", errNotFeed)
	}
	if !json && (len(sh.items) > maxItems || sh.itemElements > chunkElements) {
		return f.parseChunks(t, p, doc, sh, maxItems)
	}
	feed, err := f.gofeedParse(doc)
	if err != nil {
		return nil, fmt.Errorf("parse: %w", err)
	}
	if feed.FeedType == "json" && feed.FeedVersion == "" {
		return nil, fmt.Errorf("%w: a JSON document that is not a JSON Feed", errNotFeed)
	}
	var extras []article.RawExtras
	if feed.FeedType != "json" {
		var raw []rawItem
		raw, p.Hints = rawPass(doc)
		extras = matchRaw(feed.Items, raw)
	} else {
		extras = make([]article.RawExtras, len(feed.Items))
	}
	items := make([]keptItem, 0, len(feed.Items))
	for i, it := range feed.Items {
		if it != nil {
			items = append(items, keptItem{it, extras[i], i})
		}
	}
	p.Total = max(len(items), listed)
	p.Feed = feed
	p.setItems(newest(items, maxItems))
	return p, nil
}

// gofeedParse runs gofeed with bounded concurrency: its memory use grows
// fast with the document.
func (f *Fetcher) gofeedParse(doc []byte) (*gofeed.Feed, error) {
	f.parseSem <- struct{}{}
	defer func() { <-f.parseSem }()
	p := gofeed.NewParser()
	p.RSSTranslator = &gofeed.DefaultRSSTranslator{DisableContentImageScan: true}
	return p.Parse(bytes.NewReader(doc))
}

// checkDepth refuses documents nested deeper than maxDepth: when the byte
// scan (sh) says they may be, an exact token pass decides. Syntax errors are
// left for gofeed to report.
func checkDepth(doc []byte, sh shape) error {
	if sh.deepest <= maxDepth {
		return nil
	}
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth := 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return nil
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth++; depth > maxDepth {
				return fmt.Errorf("document nested deeper than %d elements: refused", maxDepth)
			}
		case xml.EndElement:
			depth--
		}
	}
}

// looksHTML reports whether a document starts like an HTML page.
func looksHTML(trim []byte) bool {
	head := trim
	if len(head) > 1024 {
		head = head[:1024]
	}
	h := bytes.ToLower(head)
	// Skip comments and processing instructions before the root.
	for {
		h = bytes.TrimLeft(h, " \t\r\n")
		switch {
		case bytes.HasPrefix(h, []byte("<!--")):
			i := bytes.Index(h, []byte("-->"))
			if i < 0 {
				return false
			}
			h = h[i+3:]
			continue
		case bytes.HasPrefix(h, []byte("<?")):
			i := bytes.Index(h, []byte("?>"))
			if i < 0 {
				return false
			}
			h = h[i+2:]
			continue
		}
		break
	}
	return bytes.HasPrefix(h, []byte("<!doctype html")) || bytes.HasPrefix(h, []byte("<html"))
}
