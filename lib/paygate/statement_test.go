package paygate

import (
	"reflect"
	"testing"
)

// A day's online takings are checked against the provider's statement:
// every settled order must be on it at the same amount, and nothing may be
// on it that Wuye did not settle (office practice; [000] 收费员 4.2.1.7's daily
// close, for the money that never passes the counter).
func TestReconcileListsEveryMismatch(t *testing.T) {
	ours := []StatementLine{{"A", "wx-a", 100}, {"B", "wx-b", 200}, {"C", "wx-c", 300}}
	theirs := []StatementLine{{"A", "wx-a", 100}, {"B", "wx-b", 250}, {"D", "wx-d", 400}, {"A", "wx-a", 100}}
	got := Reconcile(ours, theirs)
	want := []Mismatch{
		{Duplicate, "A", "wx-a", 100, 100},
		{AmountDiffers, "B", "wx-b", 200, 250},
		{MissingInStatement, "C", "wx-c", 300, 0},
		{MissingInOrders, "D", "wx-d", 0, 400},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Reconcile = %+v\nwant %+v", got, want)
	}
	if got := Reconcile(ours, ours); len(got) != 0 {
		t.Fatalf("a matching day: %+v", got)
	}
}

func TestSandboxBookIsItsStatement(t *testing.T) {
	s := Sandbox{Method: "alipay", Secret: []byte("k"), Book: &Book{}}
	s.Book.Add(Notification{TradeNo: "A", ProviderTxnID: "ali-1", AmountFen: 5, PaidAt: "2026-11-23T23:30:00+08:00"})
	s.Book.Add(Notification{TradeNo: "B", ProviderTxnID: "ali-2", AmountFen: 7, PaidAt: "2026-11-23T16:30:00Z"}) // 00:30 on the 24th in Shanghai
	day23, _ := s.Statement("2026-11-23")
	day24, _ := s.Statement("2026-11-24")
	if len(day23) != 1 || day23[0].TradeNo != "A" || len(day24) != 1 || day24[0].TradeNo != "B" {
		t.Fatalf("statements by Shanghai day: %+v / %+v", day23, day24)
	}
}
