package hooks

// FeeCollectionFromRows exposes the fee collection worked out from the
// bills and payments (the summaries' reference) to the tests.
var FeeCollectionFromRows = feeCollectionFromRows
