def log = new File(basedir, 'build.log').text
assert log.contains('Tests run: 1, Failures: 0, Errors: 0')
assert log.contains('dynnc: tiny_exit is up to date')
assert new File(basedir, 'target/generated-sources/dynnc/dynnc/models/TinyExit.java').isFile()
def jar = new java.util.zip.ZipFile(new File(basedir, 'target/typed-api-1.jar'))
assert jar.getEntry('dynnc/models/TinyExit.dynnc.zip') != null
assert jar.getEntry('dynnc/models/TinyExit.class') != null
jar.close()
return true
