def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('dynnc: tiny_exit is up to date')
assert new File(basedir, 'target/generated-sources/dynnc/dynnc/models/TinyExit.java').isFile()
def jar = new java.util.zip.ZipFile(new File(basedir, 'target/typed-api-1.jar'))
assert jar.getEntry('dynnc/models/TinyExit.dynnc.zip') != null
assert jar.getEntry('dynnc/models/TinyExit.class') != null
// The bundle zip ships what runs the model (the test above ran it from the jar); the inspection
// files stay in the build directory.
def inner = new java.util.zip.ZipInputStream(jar.getInputStream(jar.getEntry('dynnc/models/TinyExit.dynnc.zip')))
def names = []
for (def e = inner.nextEntry; e != null; e = inner.nextEntry) {
  names << e.name
}
inner.close()
assert names.contains('manifest.json') : names
assert names.any { it.startsWith('lib/') } : names
assert names.any { it.startsWith('host/classes/') } : names
assert !names.any { it.startsWith('ir/') || it.startsWith('relay/') || it.startsWith('host/src/') } : names
assert new File(basedir, 'target/dynnc/bundles/TinyExit.bundle/ir').isDirectory()
jar.close()
return true
