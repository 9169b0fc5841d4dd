# Install rules (binaries, desktop entry, icons) and the CPack .deb. Included at the end of the top-level
# CMakeLists.txt, once the executables exist. tools/package.sh is the way to build the package; why it
# bundles LibTorch's CPU libraries and not CUDA is in packaging/README.md.
#
# FACEMIX_BUNDLE_TORCH=ON (tools/package.sh sets it, in its own build directory):
#   the executables link LibTorch's CPU libraries only (libtorch_cpu, libc10; not libtorch/libtorch_cuda),
#   those and what they load from the wheel (libgomp, and libcudart/libcupti, which this wheel's
#   libtorch_cpu.so links for its profiler) are installed, stripped, to lib/facemix, and the executables
#   find them through RUNPATH $ORIGIN/../lib/facemix. The package runs anywhere with Debian 12's
#   libraries, on the CPU.
# OFF (every other build): linking is untouched, and installed executables keep finding LibTorch in the
#   venv they were built against (RUNPATH to its lib folder), so `cmake --install` works for developers but
#   a package made from such a build runs only where that venv is.
option(FACEMIX_BUNDLE_TORCH "Link LibTorch's CPU libraries only and install them with the executables (for the .deb)" OFF)

set(FACEMIX_PRIVATE_LIBDIR "lib/facemix")
set(FACEMIX_EXECUTABLES facemix)
if(TARGET facemix-studio)
  list(APPEND FACEMIX_EXECUTABLES facemix-studio)
endif()

# The wheel's lib folder: TorchConfig's own prefix, or the fallback's config dir (FacemixTorch.cmake).
if(TORCH_INSTALL_PREFIX)
  set(FACEMIX_TORCH_LIBDIR "${TORCH_INSTALL_PREFIX}/lib")
else()
  get_filename_component(FACEMIX_TORCH_LIBDIR "${FACEMIX_TORCH_CONFIG_DIR}/../../../lib" ABSOLUTE)
endif()

if(FACEMIX_BUNDLE_TORCH)
  find_library(FACEMIX_BUNDLE_TORCH_CPU torch_cpu PATHS "${FACEMIX_TORCH_LIBDIR}" NO_DEFAULT_PATH REQUIRED)
  find_library(FACEMIX_BUNDLE_C10 c10 PATHS "${FACEMIX_TORCH_LIBDIR}" NO_DEFAULT_PATH REQUIRED)
  # Link the CPU half only. libtorch.so exists to pull in libtorch_cuda.so (and with it ~3 GB of CUDA
  # libraries); without it CUDA's hooks are never registered and facemix sees no GPU, which is the
  # point. The link list is replaced, so the libstdc++-first flag is named again.
  facemix_first_in_search_order(_facemix_stdlib_first)
  if(TARGET torch)
    set_property(TARGET facemix_torch PROPERTY INTERFACE_LINK_LIBRARIES
      "${_facemix_stdlib_first}" torch_cpu_library)
    # Compile exactly as a developer build does (TorchConfig's definitions, include folders and options
    # of the whole CUDA build, read transitively): the packaged objects are then the tested ones, and
    # ccache serves them from the developer builds instead of recompiling every LibTorch file.
    target_compile_definitions(facemix_torch INTERFACE $<TARGET_PROPERTY:torch,INTERFACE_COMPILE_DEFINITIONS>)
    target_include_directories(facemix_torch SYSTEM INTERFACE $<TARGET_PROPERTY:torch,INTERFACE_INCLUDE_DIRECTORIES>)
    target_compile_options(facemix_torch INTERFACE $<TARGET_PROPERTY:torch,INTERFACE_COMPILE_OPTIONS>)
  else()
    set_property(TARGET facemix_torch PROPERTY INTERFACE_LINK_LIBRARIES
      "${_facemix_stdlib_first}" "${FACEMIX_BUNDLE_TORCH_CPU}" "${FACEMIX_BUNDLE_C10}")
  endif()
  set_target_properties(${FACEMIX_EXECUTABLES} PROPERTIES INSTALL_RPATH "$ORIGIN/../${FACEMIX_PRIVATE_LIBDIR}")
  message(STATUS "facemix: packaging build; LibTorch CPU libraries from ${FACEMIX_TORCH_LIBDIR} go into ${FACEMIX_PRIVATE_LIBDIR}")

  # At install time: libtorch_cpu, libc10 and whatever they load that is not a system library, resolved
  # through their own RPATHs ($ORIGIN/../../nvidia/...) so a wheel built for another CUDA brings its own.
  # Stripping the symbol tables saves ~90 MB of libtorch_cpu's 450 MB; the dynamic symbols stay.
  install(CODE "
    file(GET_RUNTIME_DEPENDENCIES
      LIBRARIES \"${FACEMIX_BUNDLE_TORCH_CPU}\" \"${FACEMIX_BUNDLE_C10}\"
      RESOLVED_DEPENDENCIES_VAR facemix_resolved
      UNRESOLVED_DEPENDENCIES_VAR facemix_unresolved
      DIRECTORIES \"${FACEMIX_TORCH_LIBDIR}\"
      POST_INCLUDE_REGEXES \"/site-packages/(torch|nvidia)/\"
      POST_EXCLUDE_REGEXES \".*\")
    if(facemix_unresolved)
      message(FATAL_ERROR \"LibTorch needs libraries that are not there: \${facemix_unresolved}\")
    endif()
    set(facemix_libdir \"\$ENV{DESTDIR}\${CMAKE_INSTALL_PREFIX}/${FACEMIX_PRIVATE_LIBDIR}\")
    file(MAKE_DIRECTORY \"\${facemix_libdir}\")
    set(facemix_bundled \"${FACEMIX_BUNDLE_TORCH_CPU}\" \"${FACEMIX_BUNDLE_C10}\" \${facemix_resolved})
    list(REMOVE_DUPLICATES facemix_bundled)
    foreach(library IN LISTS facemix_bundled)
      get_filename_component(name \"\${library}\" NAME)
      message(STATUS \"Bundling: \${facemix_libdir}/\${name}\")
      file(COPY_FILE \"\${library}\" \"\${facemix_libdir}/\${name}\" ONLY_IF_DIFFERENT)
      file(CHMOD \"\${facemix_libdir}/\${name}\" PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
      execute_process(COMMAND \"${CMAKE_STRIP}\" --strip-unneeded \"\${facemix_libdir}/\${name}\" COMMAND_ERROR_IS_FATAL ANY)
    endforeach()
  ")
  # The licences of what is bundled: PyTorch's, and NVIDIA's for the CUDA runtime and CUPTI.
  file(GLOB _facemix_licences "${FACEMIX_TORCH_LIBDIR}/../../torch-*.dist-info/licenses/*")
  install(FILES ${_facemix_licences} DESTINATION share/doc/facemix/pytorch)
  foreach(wheel nvidia_cuda_runtime nvidia_cuda_cupti)
    file(GLOB _facemix_licences "${FACEMIX_TORCH_LIBDIR}/../../${wheel}-*.dist-info/licenses/*")
    install(FILES ${_facemix_licences} DESTINATION share/doc/facemix/${wheel})
  endforeach()
else()
  set_target_properties(${FACEMIX_EXECUTABLES} PROPERTIES INSTALL_RPATH "${FACEMIX_TORCH_LIBDIR}")
endif()

# Desktop integration: the entry names the icon "facemix", found in the hicolor theme at every size.
install(FILES "${PROJECT_SOURCE_DIR}/resources/facemix.desktop" DESTINATION share/applications)
install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/facemix.svg" DESTINATION share/icons/hicolor/scalable/apps)
foreach(size 16 24 32 48 64 128 256 512)
  install(FILES "${PROJECT_SOURCE_DIR}/resources/icons/hicolor/${size}x${size}/apps/facemix.png"
          DESTINATION share/icons/hicolor/${size}x${size}/apps)
endforeach()

# The default model and its card, where bundle/default_model.cpp looks beside an installed executable.
install(DIRECTORY "${PROJECT_SOURCE_DIR}/models/default/" DESTINATION share/facemix/models/default)

set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME facemix)
set(CPACK_PACKAGE_VENDOR facemix)
set(CPACK_PACKAGE_VERSION "${PROJECT_VERSION}")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "face mixing studio with diffusion models")
set(CPACK_PACKAGE_DESCRIPTION [=[
facemix takes the identity from one photo and everything else (hair, lighting, background) from
another, and generates new images of that person in that setting with a Stable Diffusion UNet
conditioned on image embeddings. facemix-studio is the Qt desktop studio, facemix the command line.
This build runs on the CPU. Users download models themselves.]=])
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_RELEASE 1)
set(CPACK_DEBIAN_PACKAGE_MAINTAINER "facemix developers <facemix@invalid>")
set(CPACK_DEBIAN_PACKAGE_SECTION graphics)
# xz: LibTorch is most of the package; xz makes it about a third smaller than gzip.
set(CPACK_DEBIAN_COMPRESSION_TYPE xz)
set(CPACK_THREADS 0)  # xz on every core
# The Debian libraries (Qt, OpenCV, dlib, libpng, libzip, xxhash, BLAS) come from dpkg-shlibdeps; the
# bundled LibTorch libraries are found in the package itself (dpkg-shlibdeps runs in the staging root,
# so their folder is given relative to it).
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS_PRIVATE_DIRS "usr/${FACEMIX_PRIVATE_LIBDIR}")
# What no ELF file names: the 68-landmark model that alignment loads, and Qt's platform plugins
# (xcb, wayland, offscreen) without which the studio cannot open a window.
set(CPACK_DEBIAN_PACKAGE_DEPENDS "libdlib-data")
if(TARGET facemix-studio)
  string(APPEND CPACK_DEBIAN_PACKAGE_DEPENDS ", qt6-qpa-plugins")
endif()
include(CPack)
