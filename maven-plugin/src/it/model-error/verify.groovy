def log = new File(basedir, 'build.log').text
def net = new File(basedir, 'model/broken/net.py').canonicalPath
// Each mistake at its own line and column, in the form IDEs read from Maven's output.
assert log.contains(net + ':[12,19] error[DN') : log
assert log.contains(net + ":[13,31] error[DN0101]: 'Broken' object has no attribute 'missing'") : log
assert log.contains('dynnc: 1 model(s) failed to compile: broken')
assert !new File(basedir, 'target/generated-sources/dynnc/dynnc/models/Broken.java').exists()
return true
