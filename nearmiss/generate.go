package nearmiss

// Write features/near-misses.feature from the table, then give the suite's golden list
// (features/suite.tsv) its scenarios.
//go:generate go run ../cmd/nearmisses --out ../features/near-misses.feature
//go:generate go run ../cmd/suitelist --dir ../features
