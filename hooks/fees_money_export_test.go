package hooks

// ValidateMoneyFields exposes the bound every save of a *_fen field meets
// (hooks/money_bounds.go) to the schema-derived test.
var ValidateMoneyFields = validateMoneyFields
