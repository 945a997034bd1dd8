package hooks

import (
	"fmt"
	"slices"
	"strings"

	validation "github.com/pocketbase/ozzo-validation/v4"
)

// OneOffCharge is one one-off charge to bill: a renovation's fees
// (hooks/renovation_fees.go) or a move-in's (hooks/movein_routes.go).
type OneOffCharge struct {
	Charge    string `json:"charge"` // a code of the route's own vocabulary
	AmountFen int64  `json:"amount_fen"`
	Note      string `json:"note"`
}

// chargeLine is one charge as a fees route's body asks for it
// ({"charges": [{"charge", "amount_fen", "note"}]}); the amount is checked
// to be whole fen by readCharges.
type chargeLine struct {
	Charge    string `json:"charge"`
	AmountFen any    `json:"amount_fen"`
	Note      string `json:"note"`
}

// readCharges checks the charges a fees route was sent, field by field as
// "charges.N.field": each of allowed, a whole positive amount up to MaxFen,
// a note of 100 characters at most, and no charge twice when once says it
// is billed once (dupCode is the message then).
func readCharges(lines []chargeLine, allowed []string, once func(string) bool, dupCode string) ([]OneOffCharge, error) {
	var charges []OneOffCharge
	for i, l := range lines {
		field := func(f string) string { return fmt.Sprintf("charges.%d.%s", i, f) }
		if !slices.Contains(allowed, l.Charge) {
			return nil, badRequest(validation.Errors{field("charge"): codedError("validation_invalid_value")})
		}
		amount, ok := wholeFen(l.AmountFen)
		if !ok || amount <= 0 {
			return nil, badRequest(validation.Errors{field("amount_fen"): codedError("wuye_amount_positive")})
		}
		if amount > MaxFen {
			return nil, badRequest(validation.Errors{field("amount_fen"): codedError("wuye_amount_too_large")})
		}
		if len([]rune(l.Note)) > 100 {
			return nil, badRequest(validation.Errors{field("note"): codedError("validation_max_text_constraint")})
		}
		if once(l.Charge) && slices.ContainsFunc(charges, func(c OneOffCharge) bool { return c.Charge == l.Charge }) {
			return nil, badRequest(validation.Errors{field("charge"): codedError(dupCode)})
		}
		charges = append(charges, OneOffCharge{l.Charge, amount, strings.TrimSpace(l.Note)})
	}
	return charges, nil
}
