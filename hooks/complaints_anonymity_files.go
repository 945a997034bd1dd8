package hooks

import (
	"path/filepath"
	"strings"

	"github.com/pocketbase/pocketbase/core"
	"github.com/pocketbase/pocketbase/tools/security"
)

// The attachments of an anonymous complaint are stored under neutral names
// (issue #16 item 11). PocketBase keeps a file as "<the uploader's file
// name, snake-cased>_<random>.<ext>", and a file name such as
// "zhang_wei_1_101_noise.jpg" says who complained as plainly as the
// contact fields the staff are not shown (hooks/complaints_anonymity.go).
// The handler still gets every file (the photos are what they work from),
// only not its original name. Names are given before the file is written,
// so the original name is stored nowhere.

func registerAnonymousAttachments(app core.App) {
	rename := func(e *core.RecordEvent) error {
		if e.Record.GetBool("anonymous") {
			for _, f := range e.Record.GetUnsavedFiles("attachments") {
				f.Name = neutralFileName(f.Name)
			}
		}
		return e.Next()
	}
	app.OnRecordCreate("complaints").BindFunc(rename)
	app.OnRecordUpdate("complaints").BindFunc(rename)
}

// neutralFileName is "attachment_<random>.<ext>", keeping only the
// extension (sanitized by PocketBase already) of name.
func neutralFileName(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	return "attachment_" + security.RandomStringWithAlphabet(12, "abcdefghijklmnopqrstuvwxyz0123456789") + ext
}
