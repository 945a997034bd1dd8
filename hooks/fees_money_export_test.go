package hooks

// ValidateMoneyFields exposes the bound every save of a *_fen field meets
// (hooks/guard_money.go) to the schema-derived test.
var ValidateMoneyFields = validateMoneyFields
