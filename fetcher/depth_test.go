package fetcher

import (
	"bytes"
	"encoding/xml"
	"io"
	"strings"
	"testing"
)

// exactDepth is the deepest nesting encoding/xml sees, as checkDepth's exact
// pass counts it.
func exactDepth(doc []byte) int {
	d := xml.NewDecoder(bytes.NewReader(doc))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	depth, deepest := 0, 0
	for {
		tok, err := d.RawToken()
		if err != nil {
			return deepest
		}
		switch tok.(type) {
		case xml.StartElement:
			depth++
			deepest = max(deepest, depth)
		case xml.EndElement:
			depth--
		}
	}
}

// The byte scan may answer "maybe too deep" wrongly, never "within" wrongly.
func TestDepthWithinNeverUnderCounts(t *testing.T) {
	docs := []string{
		`<a><b><c/></b></a>`,
		`<a x="1>2"><b y='/>'><c></c></b></a>`,
		`<a><!-- <b><c> --><![CDATA[<d><e>]]><?pi <f> ?><g/></a>`,
		`<!DOCTYPE a [<!ELEMENT a ANY>]><a><b></b></a>`,
		`<a b = "x" c='y'/><d><e></e></d>`,
		`<a b=it's><c><d></d></c></a>`,
		`<rss><channel><item><description>&lt;p&gt;x</description></item></channel></rss>`,
		`<a><b x="unterminated><c><d>`,
		`<a>text < more <b><c></c></b></a>`,
		strings.Repeat("<x>", 300) + strings.Repeat("</x>", 300),
		strings.Repeat(`<x a="/>">`, 300),
	}
	for _, d := range docs {
		exact := exactDepth([]byte(d))
		for limit := 0; limit <= exact+1; limit++ {
			if limit < exact && depthWithin([]byte(d), limit) {
				t.Errorf("%.60q: depthWithin(%d) = true, encoding/xml nests %d deep", d, limit, exact)
			}
		}
		if exact <= maxDepth && strings.Count(d, "<") < 50 && !depthWithin([]byte(d), exact+10) {
			t.Errorf("%.60q: depthWithin(%d) = false for a document %d deep", d, exact+10, exact)
		}
	}
}
