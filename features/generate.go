package features

// Tag every scenario without an @id: tag with one, and write the golden list suite.tsv.
//go:generate go run ../cmd/suitelist --dir .
