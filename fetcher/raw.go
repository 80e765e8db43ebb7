package fetcher

import (
	"bytes"
	"encoding/xml"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/mmcdole/gofeed"

	"github.com/tributary-feeds/tributary/article"
)

// rawItem is what gofeed drops from one item, recovered by a second
// encoding/xml pass over the (UTF-8) document.
type rawItem struct {
	GUID, Link string // to match the item gofeed gave
	Extras     article.RawExtras
}

// hints are a feed's own words on how often it changes.
type hints struct {
	TTL       time.Duration // RSS <ttl>
	Period    time.Duration // sy:updatePeriod / sy:updateFrequency
	SkipHours []int         // RSS <skipHours>, UTC
}

const (
	nsThr = "http://purl.org/syndication/thread/1.0"
	nsSy  = "http://purl.org/rss/1.0/modules/syndication/"
	nsWfw = "http://wellformedweb.org/commentapi/" // compared lowercased
)

// rawPass walks the document once, collecting per item thr:count on
// rel="replies" links, the RSS <comments> URL and wfw:commentRss, and at the
// channel level the polling hints. A syntax error ends the walk with what was
// found so far.
func rawPass(doc []byte) ([]rawItem, hints) {
	if !mayHaveExtras(doc) {
		return nil, hints{} // what the walk would find: no extras, no hints
	}
	return rawWalk(doc)
}

// rawWalk is rawPass's token walk.
func rawWalk(doc []byte) ([]rawItem, hints) {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var (
		items []rawItem
		h     hints
		cur   *rawItem
		stack []string // local names of open elements
		text  strings.Builder
		syPer string
		syFrq = 1
	)
	for n := 0; n < 5_000_000; n++ {
		tok, err := d.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.StartElement:
			name := t.Name.Local
			stack = append(stack, name)
			text.Reset()
			switch {
			case (name == "item" || name == "entry") && cur == nil:
				items = append(items, rawItem{})
				cur = &items[len(items)-1]
			case cur != nil && name == "link" && len(stack) >= 2:
				var rel, href, typ string
				var count *int
				for _, a := range t.Attr {
					switch {
					case a.Name.Local == "rel" && a.Name.Space == "":
						rel = a.Value
					case a.Name.Local == "type" && a.Name.Space == "":
						typ = a.Value
					case a.Name.Local == "href" && a.Name.Space == "":
						href = a.Value
					case a.Name.Local == "count" && a.Name.Space == nsThr:
						if v, err := strconv.Atoi(strings.TrimSpace(a.Value)); err == nil && v >= 0 {
							count = &v
						}
					}
				}
				if rel == "replies" && count != nil {
					if cur.Extras.ThrCount == nil {
						cur.Extras.ThrCount = count
					} else {
						sum := *cur.Extras.ThrCount + *count
						cur.Extras.ThrCount = &sum
					}
				}
				if rel == "replies" && strings.TrimSpace(href) != "" {
					// RFC 4685: an HTML type is the comment page, any other
					// (or none) a feed of the replies.
					if strings.Contains(strings.ToLower(typ), "html") {
						if cur.Extras.CommentsURL == "" {
							cur.Extras.CommentsURL = strings.TrimSpace(href)
						}
					} else if cur.Extras.CommentRSS == "" {
						cur.Extras.CommentRSS = strings.TrimSpace(href)
					}
				}
				if (rel == "" || rel == "alternate") && href != "" && cur.Link == "" {
					cur.Link = href
				}
			}
		case xml.CharData:
			text.Write(t)
		case xml.EndElement:
			if len(stack) == 0 {
				break
			}
			name := t.Name.Local
			val := strings.TrimSpace(text.String())
			inItem := cur != nil
			switch {
			case inItem && (name == "item" || name == "entry"):
				cur = nil
			case inItem && len(stack) >= 2 && (stack[len(stack)-2] == "item" || stack[len(stack)-2] == "entry"):
				switch {
				case name == "guid" || name == "id":
					cur.GUID = val
				case name == "link" && t.Name.Space == "" && cur.Link == "":
					cur.Link = val
				case name == "comments" && t.Name.Space == "":
					cur.Extras.CommentsURL = val
				case name == "commentRss" && strings.EqualFold(t.Name.Space, nsWfw):
					cur.Extras.CommentRSS = val
				}
			case !inItem:
				switch {
				case name == "ttl" && t.Name.Space == "":
					if v, err := strconv.Atoi(val); err == nil && v > 0 {
						h.TTL = time.Duration(v) * time.Minute
					}
				case name == "updatePeriod" && t.Name.Space == nsSy:
					syPer = strings.ToLower(val)
				case name == "updateFrequency" && t.Name.Space == nsSy:
					if v, err := strconv.Atoi(val); err == nil && v > 0 {
						syFrq = v
					}
				case name == "hour" && len(stack) >= 2 && stack[len(stack)-2] == "skipHours":
					if v, err := strconv.Atoi(val); err == nil && v >= 0 && v <= 24 {
						h.SkipHours = append(h.SkipHours, v%24)
					}
				}
			}
			stack = stack[:len(stack)-1]
			text.Reset()
		}
	}
	if p, ok := map[string]time.Duration{
		"hourly": time.Hour, "daily": 24 * time.Hour, "weekly": 7 * 24 * time.Hour,
		"monthly": 30 * 24 * time.Hour, "yearly": 365 * 24 * time.Hour,
	}[syPer]; ok {
		h.Period = p / time.Duration(syFrq)
	}
	return items, h
}

// matchRaw returns the raw extras of each of gofeed's items: by GUID, else
// link, else position when the counts agree.
func matchRaw(items []*gofeed.Item, raw []rawItem) []article.RawExtras {
	out := make([]article.RawExtras, len(items))
	byGUID := map[string]int{}
	byLink := map[string]int{}
	for i, r := range raw {
		if r.GUID != "" {
			byGUID[r.GUID] = i
		}
		if r.Link != "" {
			byLink[r.Link] = i
		}
	}
	for i, it := range items {
		if it == nil {
			continue
		}
		switch j, ok := byGUID[strings.TrimSpace(it.GUID)]; {
		case ok && it.GUID != "":
			out[i] = raw[j].Extras
			continue
		}
		if j, ok := byLink[strings.TrimSpace(it.Link)]; ok && it.Link != "" {
			out[i] = raw[j].Extras
			continue
		}
		if len(items) == len(raw) {
			out[i] = raw[i].Extras
		}
	}
	return out
}

// mayHaveExtras reports whether doc may hold anything rawPass collects: a
// false spares the token walk (a tenth of a fetch's CPU) for the many feeds
// that carry none of it. Each test is looser than the walk's: the thread and
// syndication namespaces' URIs (any prefix binds them), wfw's in any case,
// and the unprefixed element names it reads.
func mayHaveExtras(doc []byte) bool {
	for _, s := range [][]byte{
		[]byte("purl.org/syndication/thread"),
		[]byte("purl.org/rss/1.0/modules/syndication"),
		[]byte("<comments"),
		[]byte("<ttl"),
		[]byte("skipHours"),
	} {
		if bytes.Contains(doc, s) {
			return true
		}
	}
	return containsFold(doc, []byte("wellformedweb.org"))
}

// containsFold is bytes.Contains ignoring ASCII case, without copying doc;
// lower is lower case and starts with a letter.
func containsFold(doc, lower []byte) bool {
	for i := 0; i+len(lower) <= len(doc); {
		j := bytes.IndexAny(doc[i:], string([]byte{lower[0], lower[0] - 'a' + 'A'}))
		if j < 0 || i+j+len(lower) > len(doc) {
			return false
		}
		i += j
		if bytes.EqualFold(doc[i:i+len(lower)], lower) {
			return true
		}
		i++
	}
	return false
}
