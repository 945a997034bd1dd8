package hooks

import (
	"regexp"
	"testing"

	"github.com/pocketbase/dbx"
)

// insertText is the text dbx's Insert runs once processSQL has replaced
// its {:pN} placeholders, so that the connection's kept statement
// (lib/stmtcache) is the same one either way, and it is built once per
// table and column list (issue #23 item 2).
func TestInsertTextIsDBXsProcessedText(t *testing.T) {
	db := dbx.NewFromDB(nil, "sqlite3")
	cols := []string{"action", "community", "id", "note", "public"}
	params := dbx.Params{}
	for _, c := range cols {
		params[c] = "x"
	}
	want := regexp.MustCompile(`\{:p\d+\}`).ReplaceAllString(db.Insert("events", params).SQL(), "?")
	if got := insertText("events", cols); got != want {
		t.Fatalf("insertText:\n%s\nwant dbx's\n%s", got, want)
	}
	if a, b := insertText("events", cols), insertText("events", cols); a != b {
		t.Fatal("insertText differs between calls")
	}
	if got, want := multiInsertText("events", []string{"id", "note"}, 3),
		"INSERT INTO `events` (`id`, `note`) VALUES (?, ?), (?, ?), (?, ?)"; got != want {
		t.Fatalf("multiInsertText:\n%s\nwant\n%s", got, want)
	}
}
