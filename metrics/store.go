package metrics

import "github.com/prometheus/client_golang/prometheus"

var (
	articlesDesc = prometheus.NewDesc("tributary_articles_stored",
		"Articles in the store, all sources together.", nil, nil)
	fileDesc = prometheus.NewDesc("tributary_store_file_bytes",
		"Size of the store file on disk, in bytes.", nil, nil)
)

// storeCollector reads the store's stats once per scrape, for both gauges.
type storeCollector struct {
	read func() (articles int, fileBytes int64, err error)
}

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- articlesDesc
	ch <- fileDesc
}

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	n, size, err := c.read()
	if err != nil {
		ch <- prometheus.NewInvalidMetric(articlesDesc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(articlesDesc, prometheus.GaugeValue, float64(n))
	ch <- prometheus.MustNewConstMetric(fileDesc, prometheus.GaugeValue, float64(size))
}
