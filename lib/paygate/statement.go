package paygate

import (
	"sort"
	"sync"
	"time"

	"wuye/lib/workcal"
)

// StatementLine is one settled transaction on a provider's daily statement
// (对账单), or one of Wuye's settled orders put in the same shape.
type StatementLine struct {
	TradeNo       string `json:"trade_no"`
	ProviderTxnID string `json:"provider_txn_id,omitempty"`
	AmountFen     int64  `json:"amount_fen"`
}

// Statementer is a provider that can give its statement of a day
// (YYYY-MM-DD, Shanghai). A provider without one has its statement uploaded.
type Statementer interface {
	Statement(day string) ([]StatementLine, error)
}

// Book is the sandbox provider's own ledger: what it notified as paid, by
// Shanghai day, as a real provider keeps the transactions it settled. It
// lives in memory: the sandbox is for tests and the demo.
type Book struct {
	mu    sync.Mutex
	lines map[string][]StatementLine
}

// Add records notification n on the day it was paid.
func (b *Book) Add(n Notification) {
	at, err := time.Parse(time.RFC3339, n.PaidAt)
	if err != nil {
		at = time.Now()
	}
	day := at.In(workcal.Shanghai).Format(time.DateOnly)
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.lines == nil {
		b.lines = map[string][]StatementLine{}
	}
	b.lines[day] = append(b.lines[day], StatementLine{n.TradeNo, n.ProviderTxnID, n.AmountFen})
}

// Lines are the transactions of day.
func (b *Book) Lines(day string) []StatementLine {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]StatementLine{}, b.lines[day]...)
}

// Statement is the sandbox's statement of day: what its book holds.
func (s Sandbox) Statement(day string) ([]StatementLine, error) {
	if s.Book == nil {
		return []StatementLine{}, nil
	}
	return s.Book.Lines(day), nil
}

// Mismatch kinds.
const (
	MissingInStatement = "missing_in_statement" // settled by Wuye, not on the provider's statement
	MissingInOrders    = "missing_in_orders"    // on the statement, not settled by Wuye
	AmountDiffers      = "amount_differs"
	Duplicate          = "duplicate" // on the statement more than once
)

// Mismatch is one disagreement between Wuye's settled orders and a
// provider's statement.
type Mismatch struct {
	Kind          string `json:"kind"`
	TradeNo       string `json:"trade_no"`
	ProviderTxnID string `json:"provider_txn_id,omitempty"`
	OursFen       int64  `json:"ours_fen"`
	TheirsFen     int64  `json:"theirs_fen"`
}

// Reconcile compares ours (the day's settled orders) with theirs (the
// provider's statement of the day) by trade number: what is missing on
// either side, what differs in amount, what the statement lists twice. The
// mismatches are in trade-number order.
func Reconcile(ours, theirs []StatementLine) []Mismatch {
	mine := map[string]StatementLine{}
	for _, l := range ours {
		mine[l.TradeNo] = l
	}
	seen := map[string]bool{}
	out := []Mismatch{}
	for _, l := range theirs {
		o, ok := mine[l.TradeNo]
		switch {
		case seen[l.TradeNo]:
			out = append(out, Mismatch{Duplicate, l.TradeNo, l.ProviderTxnID, o.AmountFen, l.AmountFen})
		case !ok:
			out = append(out, Mismatch{MissingInOrders, l.TradeNo, l.ProviderTxnID, 0, l.AmountFen})
		case o.AmountFen != l.AmountFen:
			out = append(out, Mismatch{AmountDiffers, l.TradeNo, l.ProviderTxnID, o.AmountFen, l.AmountFen})
		}
		seen[l.TradeNo] = true
	}
	for _, l := range ours {
		if !seen[l.TradeNo] {
			out = append(out, Mismatch{MissingInStatement, l.TradeNo, l.ProviderTxnID, l.AmountFen, 0})
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].TradeNo < out[j].TradeNo })
	return out
}
