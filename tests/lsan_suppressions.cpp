// LeakSanitizer's built-in suppressions for Platen's sanitized test and fuzz executables
// (linked into them only when PLATEN_SANITIZE has address; see tests/CMakeLists.txt).
//
// Only leaks that are a system library's own and not Platen's are listed, each with its
// evidence, so that every other leak still fails the test or fuzz run that made it.
//
// libfontconfig (Debian 2.14.1-4): FcInit(), which poppler's GlobalParams reaches the first
// time it looks up a font for a page of text (findBase14FontFile -> FcConfigSubstituteWithPat
// -> FcInitLoadConfigAndFonts, parsing /etc/fonts with expat), leaves 256 + 32 bytes that
// only FcFini() frees and that LeakSanitizer sees as a direct leak. A C program that only
// calls FcInit() and returns reports the same two blocks from the same return addresses
// (libfontconfig.so.1+0x23431 and +0x23bfc); with FcFini() before returning it is clean.
// Platen never calls fontconfig itself, and calling FcFini() at exit from a library would
// pull fontconfig from under any other user in the process. Debian's libfontconfig has no
// frame pointers, so LeakSanitizer's default (fast) unwinder stops inside it: the
// suppression names the module, not FcInitLoadConfigAndFonts.

extern "C" const char* __lsan_default_suppressions() {
  return "leak:libfontconfig.so\n";
}
