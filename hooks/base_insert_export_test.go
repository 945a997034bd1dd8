package hooks

// InsertRows is insertRows, for the builder's test.
var InsertRows = insertRows

// ParamsPerInsert is the builder's bound on one INSERT's parameters.
const ParamsPerInsert = paramsPerInsert
