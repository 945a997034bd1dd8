package repo

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRootFindsWuyesGoModFromASubdirectory(t *testing.T) {
	top := t.TempDir()
	write(t, filepath.Join(top, "go.mod"), "module wuye\n\ngo 1.27\n", 0o644)
	// A nested module of another name is passed over.
	write(t, filepath.Join(top, "tools", "go.mod"), "module example.com/tools\n", 0o644)
	deep := filepath.Join(top, "tools", "cmd", "x")
	if err := os.MkdirAll(deep, 0o755); err != nil {
		t.Fatal(err)
	}
	for _, dir := range []string{top, filepath.Join(top, "tools"), deep} {
		got, err := RootFrom(dir)
		if err != nil || got != top {
			t.Errorf("RootFrom(%s) = %q, %v; want %q", dir, got, err, top)
		}
	}
	if got, err := RootFrom(t.TempDir()); err == nil {
		t.Errorf("RootFrom outside any wuye module = %q, want an error", got)
	}
}

func TestRootIsThisRepository(t *testing.T) {
	root, err := Root() // the test runs in internal/repo
	if err != nil {
		t.Fatal(err)
	}
	wd, _ := os.Getwd()
	if want := filepath.Dir(filepath.Dir(wd)); root != want {
		t.Fatalf("Root() = %q, want %q", root, want)
	}
	if _, err := os.Stat(filepath.Join(root, "internal", "repo", "repo.go")); err != nil {
		t.Fatal(err)
	}
}

func TestCopyDirCopiesNestedFilesAndModes(t *testing.T) {
	old := syscall.Umask(0)
	defer syscall.Umask(old)
	src := t.TempDir()
	files := map[string]struct {
		body string
		mode os.FileMode
	}{
		"data.db":                {"SQLite format 3\x00" + strings.Repeat("x", 100_000), 0o644},
		"auxiliary.db":           {"", 0o600},
		"storage/abc/sign.png":   {"\x89PNG", 0o640},
		"storage/abc/def/run.sh": {"#!/bin/sh\n", 0o755},
	}
	for name, f := range files {
		write(t, filepath.Join(src, name), f.body, f.mode)
	}
	if err := os.MkdirAll(filepath.Join(src, "empty", "dir"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("data.db", filepath.Join(src, "link")); err != nil {
		t.Fatal(err)
	}
	dst := filepath.Join(t.TempDir(), "copy")
	// A file already at the destination is overwritten, whatever its length.
	write(t, filepath.Join(dst, "data.db"), strings.Repeat("old", 50_000), 0o644)

	if err := CopyDir(src, dst); err != nil {
		t.Fatal(err)
	}
	for name, f := range files {
		path := filepath.Join(dst, name)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if string(b) != f.body {
			t.Errorf("%s: %d bytes copied, want %d", name, len(b), len(f.body))
		}
		if fi, _ := os.Stat(path); fi.Mode().Perm() != f.mode {
			t.Errorf("%s: mode %v, want %v", name, fi.Mode().Perm(), f.mode)
		}
	}
	if fi, err := os.Stat(filepath.Join(dst, "empty", "dir")); err != nil || !fi.IsDir() {
		t.Errorf("empty directory not copied: %v", err)
	}
	if _, err := os.Lstat(filepath.Join(dst, "link")); !os.IsNotExist(err) {
		t.Errorf("symbolic link copied (%v); only directories and regular files are", err)
	}
	// The source is left as it was.
	if b, _ := os.ReadFile(filepath.Join(src, "storage/abc/def/run.sh")); string(b) != "#!/bin/sh\n" {
		t.Errorf("source changed: %q", b)
	}
}

func write(t *testing.T, path, body string, mode os.FileMode) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), mode); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		t.Fatal(err)
	}
}
