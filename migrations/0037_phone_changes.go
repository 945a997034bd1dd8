package migrations

import (
	"fmt"

	"github.com/pocketbase/pocketbase/core"
	m "github.com/pocketbase/pocketbase/migrations"
)

func init() {
	m.Register(phoneChangesUp, dropper("phone_changes"), "0037_phone_changes.go")
}

// phoneChangesUp creates phone_changes: the pending and past confirmations
// of a new phone number (hooks/accounts_phone.go). A code is sent to the
// new number and only its hash is kept; the rows also carry the history
// the per-account and per-number sending limits count. Nobody but
// superusers reads them through the API.
func phoneChangesUp(app core.App) error {
	staff, _, err := authCollections(app)
	if err != nil {
		return err
	}
	c := core.NewBaseCollection("phone_changes")
	c.Fields.Add(
		choice("account_collection", true, "staff", "residents"),
		text("account_id", true, 50),
		&core.TextField{Name: "phone", Required: true, Pattern: PhonePattern, Max: 20},
		// salt$HMAC-SHA256(salt, account|phone|code), hex
		&core.TextField{Name: "code_hash", Required: true, Max: 200, Hidden: true},
		timestamp("sent_at"),
		timestamp("expires_at"),
		&core.NumberField{Name: "attempts", OnlyInt: true},
		// sent is false when the number's daily limit kept the message back
		// (the requester is answered the same either way).
		flag("sent"),
		choice("status", true, "pending", "confirmed", "void"),
		// the member of staff who started the change at the desk, if any
		rel("by_staff", staff, false),
	)
	withAutodates(c)
	c.AddIndex("idx_phone_changes_account", false, "account_collection, account_id, sent_at", "")
	c.AddIndex("idx_phone_changes_phone", false, "phone, sent_at", "")
	setRules(c, nil, nil, nil, nil, nil)
	if err := app.Save(c); err != nil {
		return fmt.Errorf("phone_changes: %w", err)
	}
	return nil
}
