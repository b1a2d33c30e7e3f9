// Dawn (the native WebGPU library) and the Vulkan loader write diagnostics straight to file
// descriptor 2 ("Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced ...",
// "vkCreateInstance failed ... VulkanError.cpp:106"). Node cannot redirect a native library's fd 2
// inside the process (no dup2, and dawn.node offers no logging hook for instance/adapter set-up),
// so the commands that may load Dawn run as a child whose stderr passes through this filter: native
// lines go to BVSCAPE_NATIVE_LOG (a file, or "-" for stderr) or nowhere; bvscape's own text passes.

/** True for a line written by Dawn, Mesa or the Vulkan loader (bvscape's own lines are lower-case "warning:"/"error:"). */
export function isNativeLine(line) {
  return (
    /^Warning: /.test(line) ||
    /^(Error|Info): .*(\.cpp:\d+|[Dd]awn|Vulkan|vk[A-Z]\w+|adapter|backend)/.test(line) ||
    /VulkanError\.cpp|vkCreateInstance|vkEnumeratePhysicalDevices/.test(line) ||
    // A native stack frame: "    at operator() (../../third_party/dawn/src/dawn/native/vulkan/BackendVk.cpp:368)".
    /^\s+at .*(\.(cpp|cc|h|mm):\d+\)?\s*$|third_party\/dawn|dawn\/native)/.test(line) ||
    /^WARNING: lavapipe is not a conformant/.test(line) ||
    /^MESA[-:]/.test(line)
  );
}

/**
 * A stream splitter: `push(text)` hands bvscape's text to `pass` and native lines to `native`.
 * Text without a newline yet is passed at once (progress bars redraw with "\r") unless it may be
 * the start of a native line, which waits for its newline.
 */
export function createStderrFilter(pass, native) {
  let held = '';
  let afterNative = false; // Dawn ends some messages with a blank line: it goes with them
  const heads = ['Warning: ', 'Error: ', 'Info: ', 'WARNING: ', 'MESA'];
  const mayBeNative = (s) => /^\s/.test(s) || heads.some((h) => h.startsWith(s) || s.startsWith(h)) || isNativeLine(s);
  return {
    push(text) {
      held += text;
      let nl;
      while ((nl = held.indexOf('\n')) >= 0) {
        const line = held.slice(0, nl + 1);
        held = held.slice(nl + 1);
        const bare = line.replace(/\r?\n$/, '');
        if (isNativeLine(bare) || (afterNative && bare.trim() === '')) {
          native(line);
          afterNative = true;
        } else {
          pass(line);
          afterNative = false;
        }
      }
      if (held !== '' && !mayBeNative(held.slice(held.lastIndexOf('\r') + 1))) {
        pass(held);
        held = '';
        afterNative = false;
      }
    },
    end() {
      if (held !== '') (isNativeLine(held) ? native : pass)(held);
      held = '';
    },
  };
}

/** Commands that may load Dawn (and which backend option keeps it out). */
export function mayLoadDawn(argv) {
  const cmd = argv[0];
  if (!['landscape', 'screen', 'bench'].includes(cmd)) return false; // percolate, info, energy...: no GPU code
  if (argv.includes('--help') || argv.includes('-h')) return false;
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '--backend=cpu' || (argv[i] === '--backend' && argv[i + 1] === 'cpu')) return false;
  }
  return true;
}
