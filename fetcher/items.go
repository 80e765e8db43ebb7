package fetcher

import (
	"encoding/json"
	"fmt"
	"sort"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/tributary-feeds/tributary/article"
)

// What one document may cost. gofeed builds a tree of the whole document
// before it returns, and keeps up to ~750 bytes per element (extension
// elements; ~250 for plain ones): a 7.9 MB feed of 2,800 items, each 250
// extension elements deep, held 520 MB. So the byte scan counts elements
// first, and:
//
//   - an item holding more than maxItemElements elements, or a document
//     holding more outside its items, is refused. Real items stay under a
//     few thousand (an Atom entry with a long XHTML body: one element per
//     paragraph, link, emphasis);
//   - a document listing more than [fetch].max_items items, or holding more
//     than chunkElements elements in its items, is handed to gofeed a
//     chunk of items at a time (items adding up to chunkElements elements,
//     with the document's head and tail around them), the newest max_items
//     kept between chunks. One parse then holds at most ~40,000 elements
//     (~30 MB at worst) whatever the document's size or item count: neither
//     [fetch].max_body_size nor max_items enter the bound.
const maxItemElements = 10_000

var chunkElements = 20_000 // a variable only for tests

// checkSize refuses documents with an absurd item (see above).
func checkSize(sh shape) error {
	if sh.biggestItem > maxItemElements {
		return fmt.Errorf("an item holds %d elements (at most %d): refused", sh.biggestItem, maxItemElements)
	}
	if out := sh.elements - sh.itemElements; out > maxItemElements {
		return fmt.Errorf("%d elements outside the feed's items (at most %d): refused", out, maxItemElements)
	}
	return nil
}

// keptItem is an item and what gofeed dropped from it, with its place in the
// document.
type keptItem struct {
	item   *gofeed.Item
	extras article.RawExtras
	seq    int
}

// parseChunks parses a big document a chunk of items at a time: each chunk
// is the document's head (up to its first item), the chunk's items (and what
// lies between them) and its tail (after its last item), a document gofeed
// reads as the whole one. The feed's own fields and hints come from the
// first chunk. Between chunks the newest maxItems items are kept, their
// extension trees pruned to the level normalising reads, and the turn passes
// to other sources' CPU work.
func (f *Fetcher) parseChunks(t *turn, p *parsed, doc []byte, sh shape, maxItems int) (*parsed, error) {
	items := sh.items
	head, tail := doc[:items[0].start], doc[items[len(items)-1].end:]
	var kept []keptItem
	var buf []byte
	for a := 0; a < len(items); {
		b, n := a, 0
		for b < len(items) && (b == a || n+items[b].elements <= chunkElements) {
			n += items[b].elements
			b++
		}
		end := items[len(items)-1].end
		if b < len(items) {
			end = items[b].start
		}
		buf = append(append(append(buf[:0], head...), doc[items[a].start:end]...), tail...)
		feed, err := f.gofeedParse(buf)
		if err != nil {
			return nil, fmt.Errorf("parse: items %d to %d: %w", a+1, b, err)
		}
		raw, h := rawPass(buf)
		extras := matchRaw(feed.Items, raw)
		if p.Feed == nil {
			p.Feed, p.Hints = feed, h
		}
		for i, it := range feed.Items {
			if it == nil {
				continue
			}
			pruneExtensions(it)
			kept = append(kept, keptItem{it, extras[i], p.Total})
			p.Total++
		}
		feed.Items = nil
		if len(kept) > 2*maxItems {
			kept = newest(kept, maxItems)
		}
		a = b
		if a < len(items) {
			t.pass()
		}
	}
	p.setItems(newest(kept, maxItems))
	return p, nil
}

// pruneExtensions drops the children of an item's extension elements:
// normalising reads only their values (dc:creator, slash:comments, …), and
// a deep tree of them is most of what a hostile item costs.
func pruneExtensions(it *gofeed.Item) {
	for _, byName := range it.Extensions {
		for _, exts := range byName {
			for i := range exts {
				exts[i].Children = nil
			}
		}
	}
}

// newest returns the n newest items, in document order: by date (published,
// else updated) where items have one, the undated after the dated, in
// document order among themselves; so a feed without dates keeps its first n.
func newest(items []keptItem, n int) []keptItem {
	if len(items) <= n {
		return items
	}
	sort.SliceStable(items, func(i, j int) bool {
		di, dj := itemDate(items[i].item), itemDate(items[j].item)
		if di.IsZero() != dj.IsZero() {
			return !di.IsZero()
		}
		if !di.Equal(dj) {
			return di.After(dj)
		}
		return items[i].seq < items[j].seq
	})
	out := make([]keptItem, n) // a new array: the dropped items can go
	copy(out, items)
	sort.Slice(out, func(i, j int) bool { return out[i].seq < out[j].seq })
	return out
}

func itemDate(it *gofeed.Item) time.Time {
	switch {
	case it.PublishedParsed != nil:
		return *it.PublishedParsed
	case it.UpdatedParsed != nil:
		return *it.UpdatedParsed
	}
	return time.Time{}
}

// setItems makes items the feed's, with their extras.
func (p *parsed) setItems(items []keptItem) {
	p.Feed.Items = make([]*gofeed.Item, len(items))
	p.Extras = make([]article.RawExtras, len(items))
	for i, k := range items {
		p.Feed.Items[i], p.Extras[i] = k.item, k.extras
	}
}

// cutJSON cuts a JSON Feed listing more than maxItems items to the newest
// (date_published, else date_modified, RFC 3339; the undated after the dated,
// in document order) before gofeed builds an item for each: the document is
// decoded once into raw items, and rebuilt with the kept ones. It returns
// the document (doc itself when nothing was cut, or it is not a JSON object
// with an items array: gofeed then says what is wrong) and the items it
// listed.
func cutJSON(doc []byte, maxItems int) ([]byte, int) {
	var top map[string]json.RawMessage
	if json.Unmarshal(doc, &top) != nil {
		return doc, 0
	}
	var raw []json.RawMessage
	if json.Unmarshal(top["items"], &raw) != nil || len(raw) <= maxItems {
		return doc, len(raw)
	}
	type dated struct {
		raw  json.RawMessage
		date time.Time
		seq  int
	}
	items := make([]dated, len(raw))
	for i, r := range raw {
		var d struct {
			Published string `json:"date_published"`
			Modified  string `json:"date_modified"`
		}
		json.Unmarshal(r, &d)
		t, err := time.Parse(time.RFC3339, d.Published)
		if err != nil {
			t, _ = time.Parse(time.RFC3339, d.Modified)
		}
		items[i] = dated{r, t, i}
	}
	sort.SliceStable(items, func(i, j int) bool {
		di, dj := items[i].date, items[j].date
		if di.IsZero() != dj.IsZero() {
			return !di.IsZero()
		}
		return di.After(dj)
	})
	items = items[:maxItems]
	sort.Slice(items, func(i, j int) bool { return items[i].seq < items[j].seq })
	kept := make([]json.RawMessage, len(items))
	for i := range items {
		kept[i] = items[i].raw
	}
	var err error
	if top["items"], err = json.Marshal(kept); err != nil {
		return doc, len(raw)
	}
	out, err := json.Marshal(top)
	if err != nil {
		return doc, len(raw)
	}
	return out, len(raw)
}
